// Domain types of the registry: plain objects, no protobuf; the agent converts in its wire.ts.

export type Tier = 'core' | 'worker';
export type ComponentRuntime = 'container' | 'unikernel';
export type RouteMode = 'l4' | 'l7';

/** Time source, injected so tests control "now" (event times, pruning, cooldowns). */
export interface Clock {
  now(): Date;
}

/** Says whether a host port can be bound right now; called inside a write transaction, so synchronous. */
export type PortProbe = (port: number) => boolean;

/** Inclusive range host ports are allocated from (SPEC: 10000–60000). */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

export interface RouteSpec {
  /** "" for an unnamed route. */
  readonly name: string;
  /** Listener port on the node's proxy. */
  readonly port: number;
  readonly mode: RouteMode;
  /** Absent means the default `<service>.<svc zone>`, resolved by the agent. */
  readonly hostname?: string;
  readonly public: boolean;
  /**
   * On input: a host port the caller insists on (adopting a running container); normally
   * absent and allocated. On output: the allocated port, absent once released.
   */
  readonly hostPort?: number;
}

export interface ComponentSpec {
  readonly name: string;
  readonly image: string;
  readonly runtime: ComponentRuntime;
  readonly memoryMb?: number;
  readonly vcpus?: number;
  readonly network?: string;
  readonly user?: string;
  readonly restart?: string;
  readonly ports: readonly string[];
  readonly volumes: readonly string[];
  /** Absent means the image's default command. */
  readonly cmd?: readonly string[];
  readonly env: readonly string[];
  readonly routes: readonly RouteSpec[];
}

export interface SnapshotConfig {
  /** "", "grpc", "cli", "exec: <cmd>" or "full". */
  readonly method: string;
  readonly excludes: readonly string[];
}

export interface ServiceSpec {
  readonly name: string;
  readonly active: boolean;
  readonly tier: Tier;
  readonly node?: string;
  readonly comment?: string;
  readonly snapshot: SnapshotConfig;
  readonly components: readonly ComponentSpec[];
}

/** What the agent last saw of a component in the runtimes. */
export interface ObservedState {
  /** Runtime state as reported ("running", "exited", …); "unknown" until first observed. */
  readonly state: string;
  readonly containerId?: string;
  /** Image tag of what is actually running. */
  readonly version?: string;
  readonly startedAt?: Date;
  /** When this observation was recorded. */
  readonly observedAt?: Date;
}

export interface Component extends ComponentSpec {
  readonly service: string;
  readonly observed: ObservedState;
  readonly updatedAt: Date;
}

export interface Service extends Omit<ServiceSpec, 'components'> {
  readonly components: readonly Component[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ComponentRef {
  readonly service: string;
  readonly component: string;
}

/** A route's host port given up because another process holds it, and the one it got instead. */
export interface HostPortMove {
  /** The route's name, or `:<port>` when it has none. */
  readonly route: string;
  readonly from: number;
  readonly to: number;
}

export interface RegistryEvent {
  readonly id: number;
  readonly time: Date;
  readonly service: string;
  /** Absent for an event about the whole service. */
  readonly component?: string;
  readonly fromState?: string;
  readonly toState?: string;
  /** The monitor's vocabulary ("transition", "drift", "flapping", "recovered", …). */
  readonly kind: string;
  readonly message: string;
}

export type NewEvent = Omit<RegistryEvent, 'id' | 'time'> & { readonly time?: Date };

export interface AlertState extends ComponentRef {
  readonly lastKind: string;
  readonly lastAlertAt: Date;
  /** No new alert of the same kind for this component before this time. */
  readonly cooldownUntil: Date;
}

/**
 * A public route on an edge node (SPEC §7). Recording one also records the proxy route that serves it: l7 on
 * `listenerPort`, re-encrypting to `backendAddress:backendPort` and checking the backend as `backendHostname`.
 */
export interface EdgeRouteSpec {
  /** Public hostname the edge terminates TLS for. */
  readonly hostname: string;
  /** Internal name of the backend (in the internal zone): the SNI sent to it and the name its certificate must carry. */
  readonly backendHostname: string;
  readonly backendPort: number;
  /** Overlay address backendHostname resolved to at setup. */
  readonly backendAddress: string;
  /** Service the route belongs to. */
  readonly service: string;
  /** The edge proxy's public listener. */
  readonly listenerPort: number;
  readonly certPath: string;
  readonly keyPath: string;
  readonly certExpiresAt: Date;
}

export interface EdgeRoute extends EdgeRouteSpec {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Where an l7 route's certificate comes from: none (l4), the ACME CA, or the operator (AddProxyRoute with a PEM). */
export type ProxyCertSource = 'none' | 'acme' | 'operator';

/** A route the agent wants on its node's proxy (SPEC §7); keyed by (listenerPort, hostname). */
export interface DesiredProxyRoute {
  readonly listenerPort: number;
  readonly hostname: string;
  readonly backendHost: string;
  readonly backendPort: number;
  readonly mode: RouteMode;
  readonly backendTls: boolean;
  readonly certSource: ProxyCertSource;
  /** Re-encrypting only: the backend's name for SNI and its certificate check; absent: the route's hostname. */
  readonly backendServerName?: string;
  /** Absent for a route added by hand or for an edge route. */
  readonly owner?: ComponentRef;
}

export interface RecordedProxyRoute extends DesiredProxyRoute {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
