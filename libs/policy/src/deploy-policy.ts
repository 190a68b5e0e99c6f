// The deploy policy of a node (the agent's) or of the fleet (the master's): what a definition may ask of the host.

/** How a component joins a network, by podman's `--network` grammar. `named`: one or more podman networks by name. */
export type NetworkMode = 'bridge' | 'none' | 'private' | 'slirp4netns' | 'host' | 'container' | 'ns' | 'named';

export const NETWORK_MODES: readonly NetworkMode[] = ['bridge', 'none', 'private', 'slirp4netns', 'host', 'container', 'ns', 'named'];

/** An inclusive range of host ports. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/** Limits podman puts on every container; undefined: none. */
export interface ContainerLimits {
  readonly memoryMb: number | undefined;
  readonly pids: number | undefined;
}

export interface DeployPolicy {
  /**
   * Absolute directories a bind mount's host path must be, or be under; `<service>` stands for the service's
   * name. Default: the node's service directory, `<files.root>/<service>`.
   */
  readonly mountRoots: readonly string[];
  /** Whether a volume may name a podman volume instead of a host path (any service could name another's). */
  readonly allowNamedVolumes: boolean;
  /** Mount options a volume may carry. */
  readonly mountOptions: readonly string[];
  /** How a component may join a network. */
  readonly networkModes: readonly NetworkMode[];
  /** Podman networks a component may join by name (mode `named`); empty: any. */
  readonly networks: readonly string[];
  /** Host ports explicit `ports` may publish. */
  readonly hostPorts: readonly PortRange[];
  /** Host addresses explicit `ports` may bind; empty: any one address. */
  readonly hostAddresses: readonly string[];
  /** Whether explicit `ports` may bind every interface (no address, 0.0.0.0, ::). */
  readonly allowEveryInterface: boolean;
  /** Applied by the podman backend to every container. */
  readonly containerLimits: ContainerLimits;
}

/** What `mount_roots` says when nothing is configured: the node's service directory. */
export const SERVICE_PLACEHOLDER = '<service>';

/**
 * Mount options that cannot reach outside the mount: every option podman takes except `suid` and `dev` (set-uid
 * binaries and device files from the host directory would run as such) and `shared`/`rshared` (mounts the
 * container makes would propagate back to the host).
 */
export const SAFE_MOUNT_OPTIONS: readonly string[] = [
  'ro', 'rw', 'z', 'Z', 'U', 'O', 'copy', 'nocopy', 'slave', 'rslave', 'private', 'rprivate', 'unbindable', 'runbindable',
  'exec', 'noexec', 'nosuid', 'nodev', 'bind', 'rbind', 'idmap',
];

/** Network modes that keep a container in a network namespace of its own. */
export const SAFE_NETWORK_MODES: readonly NetworkMode[] = ['bridge', 'none', 'private', 'slirp4netns', 'named'];

export const DEFAULT_CONTAINER_LIMITS: ContainerLimits = { memoryMb: 2048, pids: 2048 };

/**
 * The safe default: bind mounts only under `<serviceRoot>/<service>`, no suid/dev/shared mounts, no named volumes,
 * no host network or another container's namespaces, explicit ports on any one address (not every interface), and
 * 2048 MB / 2048 processes per container.
 */
export function defaultDeployPolicy(options: { serviceRoot: string }): DeployPolicy {
  return {
    mountRoots: [`${options.serviceRoot.replace(/\/+$/, '')}/${SERVICE_PLACEHOLDER}`],
    allowNamedVolumes: false,
    mountOptions: SAFE_MOUNT_OPTIONS,
    networkModes: SAFE_NETWORK_MODES,
    networks: [],
    hostPorts: [{ first: 1, last: 65535 }],
    hostAddresses: [],
    allowEveryInterface: false,
    containerLimits: DEFAULT_CONTAINER_LIMITS,
  };
}
