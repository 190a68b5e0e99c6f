// What every query module gets: the drizzle handle, the clock and a way to write atomically.
import type { RegistryDb } from './connection.js';
import type { Clock, PortProbe, PortRange } from './types.js';

export interface Store {
  readonly db: RegistryDb;
  readonly clock: Clock;
  /** Runs `fn` in one IMMEDIATE transaction (a savepoint when nested); a throw rolls it all back. */
  inWriteTransaction<T>(fn: () => T): T;
}

export interface PortPolicy {
  readonly range: PortRange;
  readonly isPortFree: PortProbe;
}
