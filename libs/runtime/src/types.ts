// The Runtime interface and its domain types: what the agent asks of any backend (podman, QEMU, fakes).

/** Labels MCP puts on everything it creates; an agent counts as its own only what bears its node label. */
export const NODE_LABEL = 'mcp.node';
export const SERVICE_LABEL = 'mcp.service';
export const COMPONENT_LABEL = 'mcp.component';

/** Fingerprint of a backend: whether it can run anything here, and if not, why (Nomad's fingerprint). */
export interface ProbeResult {
  readonly available: boolean;
  readonly version?: string;
  /** Why the backend is unavailable, in words an operator can act on. */
  readonly reason?: string;
  /** VM backends: the accelerator VMs get here ('kvm' only when it really works, else 'tcg'). */
  readonly acceleration?: 'kvm' | 'tcg';
}

export interface PortMapping {
  /** Host address to bind; absent means every address. */
  readonly hostIp?: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
}

export interface VolumeMount {
  /** An absolute host path (bind mount) or a volume name. */
  readonly source: string;
  /** Absolute path inside the container. */
  readonly target: string;
  /** Mount options as podman takes them after the second colon: ro, rw, z, Z, U, … */
  readonly options: readonly string[];
}

/** What the agent asks to run: one component of one service, owned by one node. */
export interface ContainerSpec {
  readonly service: string;
  readonly component: string;
  /** The node that owns the container; goes into the `mcp.node` label. */
  readonly node: string;
  /** Full image reference with an explicit tag. */
  readonly image: string;
  readonly ports?: readonly PortMapping[];
  readonly env?: Readonly<Record<string, string>>;
  readonly volumes?: readonly VolumeMount[];
  /** podman network mode or network name(s): bridge, host, none, slirp4netns, container:<id>, ns:<path>, a,b. */
  readonly network?: string;
  readonly user?: string;
  /** no, always, on-failure[:N] or unless-stopped. */
  readonly restart?: string;
  /** Arguments replacing the image's default command; absent keeps the image default. */
  readonly cmd?: readonly string[];
  /** Seconds between the stop signal and SIGKILL, when the container is stopped without a timeout. */
  readonly stopTimeoutSeconds?: number;
  /** Extra labels; the three `mcp.*` ownership labels always win over these. */
  readonly labels?: Readonly<Record<string, string>>;
  /** VMs: memory in MB (the component's `memory`); absent takes the backend's default. Containers ignore it. */
  readonly memoryMb?: number;
  /** VMs: virtual CPUs (the component's `vcpus`, default 1). Containers ignore it. */
  readonly vcpus?: number;
  /** Containers: memory limit in MB (the node's deploy policy); absent: none. VMs are sized by memoryMb. */
  readonly memoryLimitMb?: number;
  /** Containers: most processes at once (the node's deploy policy); absent: none. */
  readonly pidsLimit?: number;
}

export type ContainerState =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'stopping'
  | 'exited'
  | 'removing'
  | 'unknown';

/** One container as a list shows it. */
export interface ContainerInfo {
  readonly id: string;
  /** `<service>-<component>` for containers MCP made; anything for unlabelled ones. */
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  readonly labels: Readonly<Record<string, string>>;
  /** From the ownership labels; absent on containers MCP did not make. */
  readonly node?: string;
  readonly service?: string;
  readonly component?: string;
  readonly ports: readonly PortMapping[];
  readonly createdAt: Date;
  readonly startedAt?: Date;
  /** Set once the container has exited. */
  readonly exitCode?: number;
}

/** One container as inspect shows it: what list shows plus how it was configured. */
export interface ContainerDetails extends ContainerInfo {
  /** The process's environment as the backend reports it (the image's variables included). */
  readonly env: Readonly<Record<string, string>>;
  readonly cmd: readonly string[];
  readonly user?: string;
  readonly restart?: string;
  readonly networks: readonly string[];
  readonly volumes: readonly VolumeMount[];
  readonly finishedAt?: Date;
  /** VMs: the memory (MB) and virtual CPUs they run with. */
  readonly memoryMb?: number;
  readonly vcpus?: number;
  /** Containers: the memory limit (MB) and process limit they run with, when they have one. */
  readonly memoryLimitMb?: number;
  readonly pidsLimit?: number;
}

export interface ListOptions {
  /** Only containers bearing this `mcp.node` label. */
  readonly node: string;
  /** Also containers with no `mcp.node` label at all (candidates for adoption); never other nodes' ones. */
  readonly includeUnlabelled?: boolean;
}

export interface LogOptions {
  /** Only the last N lines of what is already logged. */
  readonly tail?: number;
  /** Keep streaming new lines until the container stops or the signal aborts. */
  readonly follow?: boolean;
  /** Fill in each line's timestamp. */
  readonly timestamps?: boolean;
  /** Only lines logged at or after this time. */
  readonly since?: Date;
  readonly signal?: AbortSignal;
}

export interface LogLine {
  readonly stream: 'stdout' | 'stderr';
  /** The line without its newline (and without the timestamp). */
  readonly text: string;
  /** Present when asked for with `timestamps`; the backend's precision (podman: seconds). */
  readonly timestamp?: Date;
}

export type RuntimeEventAction =
  | 'create'
  | 'start'
  | 'stop'
  | 'kill'
  | 'die'
  | 'restart'
  | 'pause'
  | 'unpause'
  | 'remove';

export interface RuntimeEvent {
  readonly action: RuntimeEventAction;
  readonly containerId: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  /** On `die`: the exit code. */
  readonly exitCode?: number;
  readonly time: Date;
}

export interface EventOptions {
  /** Only events of containers bearing this `mcp.node` label. */
  readonly node: string;
  readonly includeUnlabelled?: boolean;
  /** Replay events from this time on before streaming new ones; absent streams only new events. */
  readonly since?: Date;
  readonly signal?: AbortSignal;
}

export interface PullOptions {
  /** false to pull over plain HTTP or from a registry with a self-signed certificate. */
  readonly tlsVerify?: boolean;
  readonly signal?: AbortSignal;
}

export interface BuildOptions {
  readonly contextDir: string;
  /** Path of the Dockerfile/Containerfile; relative paths are taken from contextDir. */
  readonly dockerfile: string;
  /** Reference the built image gets. */
  readonly tag: string;
  readonly signal?: AbortSignal;
}

export interface PushOptions {
  /** Where to push; absent pushes to the registry named in the image reference. */
  readonly destination?: string;
  readonly tlsVerify?: boolean;
  readonly signal?: AbortSignal;
}

export interface ExecOptions {
  /** Aborting kills the command (a bounded snapshot step). */
  readonly signal?: AbortSignal;
}

/** What a command run inside a container did; a non-zero exit code is a value, not an error. */
export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface StopOptions {
  /** Seconds between the stop signal and SIGKILL; absent uses the container's own setting. */
  readonly timeoutSeconds?: number;
}

export interface RemoveOptions {
  /** Remove even a running container (killing it first). */
  readonly force?: boolean;
}

/**
 * One interface every backend implements (Nomad's driver plugin). Failures are thrown as RuntimeError
 * (see errors.ts); "this backend cannot run here" is a value, from probe().
 */
export interface Runtime {
  /** Which backend this is: 'podman', 'qemu', 'fake'. */
  readonly backend: string;
  probe(): Promise<ProbeResult>;
  pullImage(reference: string, options?: PullOptions): Promise<void>;
  imageExists(reference: string): Promise<boolean>;
  /** Creates `<service>-<component>` with the ownership labels and starts it; nothing is left behind on failure. */
  createAndStart(spec: ContainerSpec): Promise<ContainerDetails>;
  stop(name: string, options?: StopOptions): Promise<void>;
  remove(name: string, options?: RemoveOptions): Promise<void>;
  inspect(name: string): Promise<ContainerDetails>;
  list(options: ListOptions): Promise<ContainerInfo[]>;
  /** Lazily opened: a missing container throws NotFoundError on the first iteration. */
  logs(name: string, options?: LogOptions): AsyncIterable<LogLine>;
  /** Runs until the signal aborts or the consumer stops iterating. */
  events(options: EventOptions): AsyncIterable<RuntimeEvent>;
  buildImage(options: BuildOptions): Promise<{ imageId: string }>;
  pushImage(reference: string, options?: PushOptions): Promise<void>;
  /**
   * Runs `argv` (no shell) inside the running container `name`; absent on backends that cannot (VMs).
   * Throws NotFoundError for a missing container, RuntimeError when the command cannot be started at all.
   */
  exec?(name: string, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

/**
 * The name MCP gives the container (or VM) of a component, the one home of this rule: `<service>` when the
 * component bears the service's name (the Go MCP's rule: `mcq`, `mcns`), else `<service>-<component>`.
 */
export function containerName(service: string, component: string): string {
  return component === service ? service : `${service}-${component}`;
}
