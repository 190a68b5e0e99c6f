// Converts table rows to domain objects; NULL columns become absent properties, never `undefined`.
import type * as schema from './schema.js';
import type {
  AlertState,
  Component,
  EdgeRoute,
  RecordedProxyRoute,
  RegistryEvent,
  RouteSpec,
  Service,
} from './types.js';

type ServiceRow = typeof schema.services.$inferSelect;
type ComponentRow = typeof schema.components.$inferSelect;
type RouteRow = typeof schema.routes.$inferSelect;
type EventRow = typeof schema.events.$inferSelect;
type AlertStateRow = typeof schema.alertState.$inferSelect;
type EdgeRouteRow = typeof schema.edgeRoutes.$inferSelect;
type ProxyRouteRow = typeof schema.proxyRoutes.$inferSelect;

/** `{ [key]: value }` when the column holds a value, `{}` when it is NULL. */
function present<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return (value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

export function routeFromRow(row: RouteRow): RouteSpec {
  return {
    name: row.name,
    port: row.port,
    mode: row.mode,
    ...present('hostname', row.hostname),
    public: row.public,
    ...present('hostPort', row.hostPort),
  };
}

export function componentFromRow(row: ComponentRow, routes: readonly RouteRow[]): Component {
  return {
    service: row.service,
    name: row.name,
    image: row.image,
    runtime: row.runtime,
    ...present('memoryMb', row.memoryMb),
    // NULL in rows recorded before vcpus was always written (adopted containers): the definition's default.
    vcpus: row.vcpus ?? 1,
    ...present('network', row.network),
    ...present('user', row.user),
    ...present('restart', row.restart),
    ports: row.ports,
    volumes: row.volumes,
    ...present('cmd', row.cmd),
    env: row.env,
    routes: routes.map(routeFromRow),
    observed: {
      state: row.observedState,
      ...present('containerId', row.containerId),
      ...present('version', row.observedVersion),
      ...present('startedAt', row.startedAt),
      ...present('observedAt', row.observedAt),
    },
    updatedAt: row.updatedAt,
  };
}

export function serviceFromRows(
  row: ServiceRow,
  components: readonly ComponentRow[],
  routes: readonly RouteRow[],
): Service {
  return {
    name: row.name,
    active: row.active,
    tier: row.tier,
    ...present('node', row.node),
    ...present('comment', row.comment),
    snapshot: { method: row.snapshotMethod, exclude: row.snapshotExcludes },
    components: [...components]
      .sort((a, b) => a.position - b.position)
      .map((component) =>
        componentFromRow(
          component,
          routes
            .filter((route) => route.component === component.name)
            .sort((a, b) => a.position - b.position),
        ),
      ),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function eventFromRow(row: EventRow): RegistryEvent {
  return {
    id: row.id,
    time: row.time,
    service: row.service,
    ...present('component', row.component),
    ...present('fromState', row.fromState),
    ...present('toState', row.toState),
    kind: row.kind,
    message: row.message,
  };
}

export function alertStateFromRow(row: AlertStateRow): AlertState {
  return { ...row };
}

export function edgeRouteFromRow(row: EdgeRouteRow): EdgeRoute {
  return { ...row };
}

export function proxyRouteFromRow(row: ProxyRouteRow): RecordedProxyRoute {
  return {
    listenerPort: row.listenerPort,
    hostname: row.hostname,
    backendHost: row.backendHost,
    backendPort: row.backendPort,
    mode: row.mode,
    backendTls: row.backendTls,
    certSource: row.certSource,
    ...present('backendServerName', row.backendServerName),
    ...(row.service === null || row.component === null ? {} : { owner: { service: row.service, component: row.component } }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
