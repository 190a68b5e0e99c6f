// Domain types of a service definition, as the rest of MCP sees them (CONTRACTS.md section 2).

export type Tier = 'core' | 'worker';
export type ComponentRuntime = 'container' | 'unikernel';
export type RouteMode = 'l4' | 'l7';

export interface RouteDefinition {
  /** "" for an unnamed route. */
  name: string;
  /** Listener port on the node's proxy. */
  port: number;
  mode: RouteMode;
  /** Absent means the default `<service>.<svc zone>`, resolved by the agent. */
  hostname?: string;
  public: boolean;
}

export interface ComponentDefinition {
  name: string;
  image: string;
  runtime: ComponentRuntime;
  memoryMb?: number;
  vcpus: number;
  network?: string;
  user?: string;
  restart?: string;
  ports: string[];
  volumes: string[];
  /** Absent means the image's default command. */
  cmd?: string[];
  env: string[];
  routes: RouteDefinition[];
}

export interface SnapshotDefinition {
  /** "", "grpc", "cli", "exec: <cmd>" or "full". */
  method: string;
  exclude: string[];
}

export interface ServiceDefinition {
  name: string;
  active: boolean;
  tier?: Tier;
  node?: string;
  comment?: string;
  path?: string;
  buildImages: Record<string, string>;
  snapshot: SnapshotDefinition;
  components: ComponentDefinition[];
}

/**
 * What a node records of a definition (the agent's registry): all of it but the CLI's build workspace (`path`,
 * `[build.images]`), which only `mcp build` on the operator's workstation uses.
 */
export type RecordedDefinition = Omit<ServiceDefinition, 'path' | 'buildImages'>;

export interface DefinitionProblem {
  /** Path of the file as given by the caller. */
  file: string;
  /** e.g. 'components[1].routes[0].mode'; '' for whole-file problems such as TOML syntax. */
  keyPath: string;
  /** What was expected, e.g. 'one of "l4", "l7"'. */
  expected: string;
  /** `<file>: <keyPath>: <problem>; expected <expected>` (+ ` (line N)`). */
  message: string;
  /** 1-based line, when known. */
  line?: number;
}

/** Something a valid definition says that the operator may not mean (`node` and `tier` together). */
export interface DefinitionWarning {
  file: string;
  keyPath: string;
  /** `<file>: <keyPath>: <warning>` (+ ` (line N)`). */
  message: string;
  line?: number;
}

export type DefinitionResult =
  | { ok: true; file: string; definition: ServiceDefinition; warnings?: DefinitionWarning[] }
  | { ok: false; file: string; problems: DefinitionProblem[] };
