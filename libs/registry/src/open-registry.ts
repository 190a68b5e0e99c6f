// Opens (and migrates) the registry file and returns the Registry interface over it.
import { clearAlertState, getAlertState, setAlertState } from './alert-state.js';
import { openConnection } from './connection.js';
import { RegistryOpenError } from './errors.js';
import {
  deleteEdgeRoute,
  findEdgeRoute,
  getEdgeRoute,
  listEdgeRoutes,
  putEdgeRoute,
} from './edge-routes.js';
import { listEvents, pruneEvents, recordEvent } from './event-log.js';
import { deleteProxyRoute, findProxyRoute, listProxyRoutes, listProxyRoutesOf, putProxyRoute } from './proxy-routes.js';
import type { EventFilter } from './event-log.js';
import { applyMigrations } from './migrate.js';
import type { Migration, MigrationReport } from './migrate.js';
import { shippedMigrations } from './migrations/index.js';
import { recordObservedState } from './observed-state.js';
import type { Observation, ObservedChange } from './observed-state.js';
import { defaultPortRange } from './port-picker.js';
import { listPurgeCandidates, purge } from './purge.js';
import type { PurgeCandidates, PurgeInput } from './purge.js';
import {
  deleteComponent,
  deleteService,
  ensureHostPorts,
  moveBusyHostPorts,
  findService,
  getService,
  listServices,
  setActive,
  undeployService,
  upsertService,
} from './service-store.js';
import type { PortPolicy, Store } from './store.js';
import type {
  AlertState,
  Clock,
  ComponentRef,
  DesiredProxyRoute,
  EdgeRoute,
  EdgeRouteSpec,
  HostPortMove,
  NewEvent,
  PortProbe,
  PortRange,
  RecordedProxyRoute,
  RegistryEvent,
  Service,
  ServiceSpec,
} from './types.js';

export interface OpenRegistryOptions {
  /** SQLite file; created when absent (its directory must exist). */
  readonly path: string;
  readonly clock: Clock;
  /** Checks a candidate host port on the host before it is handed out. */
  readonly isPortFree: PortProbe;
  /** Default 10000–60000. */
  readonly portRange?: PortRange;
  /** How long a write waits for another connection's lock; default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Migrations to apply; defaults to the shipped ones (tests pass a prefix to build old files). */
  readonly migrations?: readonly Migration[];
}

export interface Registry {
  readonly path: string;
  /** What start-up migration did. */
  readonly migration: MigrationReport;

  upsertService(spec: ServiceSpec): Service;
  /** @throws NotFoundError */
  getService(name: string): Service;
  findService(name: string): Service | undefined;
  listServices(): Service[];
  /** @throws NotFoundError */
  setActive(name: string, active: boolean): Service;
  /** Marks the service inactive and releases its host ports. @throws NotFoundError */
  undeployService(name: string): Service;
  /** Allocates host ports for routes that have none (after undeploy). @throws NotFoundError */
  ensureHostPorts(name: string): Service;
  /**
   * New host ports for the component's routes whose port another process now holds (it bound it between the
   * allocation and the container's start); the moves made, none when nothing is busy (or no such component).
   * @throws PortsExhaustedError (nothing changed)
   */
  moveBusyHostPorts(ref: ComponentRef): HostPortMove[];
  /** @throws NotFoundError */
  deleteService(name: string): void;
  /** @throws NotFoundError */
  deleteComponent(ref: ComponentRef): void;

  /** @throws NotFoundError */
  recordObservedState(ref: ComponentRef, observation: Observation): ObservedChange;

  listPurgeCandidates(input: PurgeInput): PurgeCandidates;
  purge(input: PurgeInput): PurgeCandidates;

  recordEvent(event: NewEvent): RegistryEvent;
  listEvents(filter?: EventFilter): RegistryEvent[];
  pruneEvents(retentionMs: number): number;

  getAlertState(ref: ComponentRef): AlertState | undefined;
  /** @throws NotFoundError when the component is not in the registry */
  setAlertState(state: AlertState): void;
  clearAlertState(ref: ComponentRef): boolean;

  putEdgeRoute(spec: EdgeRouteSpec): EdgeRoute;
  /** @throws NotFoundError */
  getEdgeRoute(hostname: string): EdgeRoute;
  findEdgeRoute(hostname: string): EdgeRoute | undefined;
  listEdgeRoutes(): EdgeRoute[];
  /** @throws NotFoundError */
  deleteEdgeRoute(hostname: string): void;

  putProxyRoute(route: DesiredProxyRoute): RecordedProxyRoute;
  findProxyRoute(listenerPort: number, hostname: string): RecordedProxyRoute | undefined;
  /** Sorted by listener port, then hostname. */
  listProxyRoutes(): RecordedProxyRoute[];
  /** The routes a component's definition asks for. */
  listProxyRoutesOf(owner: ComponentRef): RecordedProxyRoute[];
  /** False when there was no such route. */
  deleteProxyRoute(listenerPort: number, hostname: string): boolean;

  close(): void;
}

export function openRegistry(options: OpenRegistryOptions): Registry {
  const range = options.portRange ?? defaultPortRange;
  const wholePorts = Number.isInteger(range.first) && Number.isInteger(range.last);
  if (!wholePorts || range.first < 1 || range.last > 65535 || range.first > range.last) {
    throw new RegistryOpenError(
      `host port range ${range.first}–${range.last} is not a range of ports: expected whole numbers with 1 ≤ first ≤ last ≤ 65535`,
      { path: options.path },
    );
  }
  const { sqlite, db } = openConnection(options.path, options.busyTimeoutMs ?? 5000);
  let migration: MigrationReport;
  try {
    migration = applyMigrations(sqlite, options.migrations ?? shippedMigrations, {
      path: options.path,
      clock: options.clock,
    });
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const store: Store = {
    db,
    clock: options.clock,
    inWriteTransaction: (fn) => sqlite.transaction(fn).immediate(),
  };
  const policy: PortPolicy = {
    range,
    isPortFree: options.isPortFree,
  };
  return {
    path: options.path,
    migration,
    upsertService: (spec) => upsertService(store, policy, spec),
    getService: (name) => getService(store, name),
    findService: (name) => findService(store, name),
    listServices: () => listServices(store),
    setActive: (name, active) => setActive(store, name, active),
    undeployService: (name) => undeployService(store, name),
    ensureHostPorts: (name) => ensureHostPorts(store, policy, name),
    moveBusyHostPorts: (ref) => moveBusyHostPorts(store, policy, ref),
    deleteService: (name) => deleteService(store, name),
    deleteComponent: (ref) => deleteComponent(store, ref),
    recordObservedState: (ref, observation) => recordObservedState(store, ref, observation),
    listPurgeCandidates: (input) => listPurgeCandidates(store, input),
    purge: (input) => purge(store, input),
    recordEvent: (event) => recordEvent(store, event),
    listEvents: (filter) => listEvents(store, filter),
    pruneEvents: (retentionMs) => pruneEvents(store, retentionMs),
    getAlertState: (ref) => getAlertState(store, ref),
    setAlertState: (state) => setAlertState(store, state),
    clearAlertState: (ref) => clearAlertState(store, ref),
    putEdgeRoute: (spec) => putEdgeRoute(store, spec),
    getEdgeRoute: (hostname) => getEdgeRoute(store, hostname),
    findEdgeRoute: (hostname) => findEdgeRoute(store, hostname),
    listEdgeRoutes: () => listEdgeRoutes(store),
    deleteEdgeRoute: (hostname) => deleteEdgeRoute(store, hostname),
    putProxyRoute: (route) => putProxyRoute(store, route),
    findProxyRoute: (listenerPort, hostname) => findProxyRoute(store, listenerPort, hostname),
    listProxyRoutes: () => listProxyRoutes(store),
    listProxyRoutesOf: (owner) => listProxyRoutesOf(store, owner),
    deleteProxyRoute: (listenerPort, hostname) => deleteProxyRoute(store, listenerPort, hostname),
    close: () => sqlite.close(),
  };
}
