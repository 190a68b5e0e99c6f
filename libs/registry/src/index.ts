// Public surface of @mcp/registry: the agent's SQLite registry.
export { openRegistry } from './open-registry.js';
export type { OpenRegistryOptions, Registry } from './open-registry.js';
export {
  ConflictError,
  MigrationError,
  NotFoundError,
  PortsExhaustedError,
  RegistryError,
  RegistryOpenError,
} from './errors.js';
export type {
  ConflictContext,
  ErrorContext,
  MigrationContext,
  NotFoundContext,
  PortsExhaustedContext,
} from './errors.js';
export type { EventFilter } from './event-log.js';
export { defaultEventLimit } from './event-log.js';
export type { Migration, MigrationReport } from './migrate.js';
export { shippedMigrations } from './migrations/index.js';
export type { Observation, ObservedChange } from './observed-state.js';
export { transitionEventKind } from './observed-state.js';
export { defaultPortRange } from './port-picker.js';
export type { PurgeCandidates, PurgeInput } from './purge.js';
export { routeIdentity, routeLabel } from './host-ports.js';
export { edgeProxyRouteOf } from './edge-routes.js';
export type * from './types.js';
