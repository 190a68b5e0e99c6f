// Domain types of the registry: plain objects, no protobuf; the agent converts in its wire/ modules.
// One model of a service definition: what the registry records IS servicedef's definition (its types, its field
// names, its defaults); the registry adds only what is its own, by extension: the host port allocated to a route,
// the observed state and the timestamps of a record.
import type { ComponentDefinition, RecordedDefinition, RouteDefinition, RouteMode } from '@mcp/servicedef';

export type { ComponentRuntime, RouteMode, SnapshotDefinition, Tier } from '@mcp/servicedef';

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

/** A route as recorded: the definition's route and the host port it has on this node. */
export interface RouteSpec extends RouteDefinition {
  /**
   * On input: a host port the caller insists on (adopting a running container); normally
   * absent and allocated. On output: the allocated port, absent once released.
   */
  readonly hostPort?: number;
}

/** A component as recorded: the definition's component, its routes with their host ports. */
export interface ComponentSpec extends Omit<ComponentDefinition, 'routes'> {
  routes: RouteSpec[];
}

/**
 * A service as recorded: what a node records of a definition (servicedef's RecordedDefinition), its components'
 * routes with host ports. The `tier` column cannot be empty: a definition without one (pinned to a node) records
 * "worker", read back as such.
 */
export interface ServiceSpec extends Omit<RecordedDefinition, 'components'> {
  components: ComponentSpec[];
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

/** A recorded service is a ServiceSpec too (its components are ComponentSpecs): it can be recorded or sent as is. */
export interface Service extends Omit<ServiceSpec, 'components'> {
  components: Component[];
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
