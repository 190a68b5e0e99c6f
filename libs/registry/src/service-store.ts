// Services with their components and routes: read, upsert atomically, desired state, undeploy, delete.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { ConflictError, NotFoundError } from './errors.js';
import { assignHostPorts, routeIdentity, routeLabel } from './host-ports.js';
import { routeFromRow, serviceFromRows } from './rows.js';
import { components, routes, services } from './schema.js';
import type { PortPolicy, Store } from './store.js';
import type { ComponentRef, ComponentSpec, HostPortMove, Service, ServiceSpec } from './types.js';

export function findService(store: Store, name: string): Service | undefined {
  const row = store.db.select().from(services).where(eq(services.name, name)).get();
  if (row === undefined) return undefined;
  return serviceFromRows(
    row,
    store.db.select().from(components).where(eq(components.service, name)).all(),
    store.db.select().from(routes).where(eq(routes.service, name)).all(),
  );
}

export function getService(store: Store, name: string): Service {
  const service = findService(store, name);
  if (service === undefined) throw serviceNotFound(name);
  return service;
}

export function listServices(store: Store): Service[] {
  const componentRows = store.db.select().from(components).all();
  const routeRows = store.db.select().from(routes).all();
  return store.db
    .select()
    .from(services)
    .orderBy(asc(services.name))
    .all()
    .map((row) =>
      serviceFromRows(
        row,
        componentRows.filter((component) => component.service === row.name),
        routeRows.filter((route) => route.service === row.name),
      ),
    );
}

/**
 * Records a whole service in one transaction: a crash leaves the old or the new state, never a
 * mix. Additive, like SyncDesiredState: components missing from `spec` stay until purged.
 * Observed state survives; each route keeps its host port when its identity is unchanged.
 */
export function upsertService(store: Store, policy: PortPolicy, spec: ServiceSpec): Service {
  checkUnique(spec);
  return store.inWriteTransaction(() => {
    const now = store.clock.now();
    const serviceColumns = {
      active: spec.active,
      tier: spec.tier ?? 'worker',
      node: spec.node ?? null,
      comment: spec.comment ?? null,
      snapshotMethod: spec.snapshot.method,
      snapshotExcludes: [...spec.snapshot.exclude],
      updatedAt: now,
    };
    store.db
      .insert(services)
      .values({ name: spec.name, createdAt: now, ...serviceColumns })
      .onConflictDoUpdate({ target: services.name, set: serviceColumns })
      .run();

    const names = spec.components.map((component) => component.name);
    const previousRows = store.db
      .select()
      .from(routes)
      .where(and(eq(routes.service, spec.name), inArray(routes.component, names)))
      .all();
    store.db
      .delete(routes)
      .where(and(eq(routes.service, spec.name), inArray(routes.component, names)))
      .run();

    spec.components.forEach((component, position) => {
      const columns = componentColumns(component, position, now);
      store.db
        .insert(components)
        .values({ service: spec.name, name: component.name, observedState: 'unknown', ...columns })
        .onConflictDoUpdate({ target: [components.service, components.name], set: columns })
        .run();
    });
    placeLeftoversAfter(store, spec.name, names);

    const hostPorts = assignHostPorts(
      store,
      policy,
      spec.name,
      spec.components.map((component) => ({
        component: component.name,
        routes: component.routes,
        previous: new Map(
          previousRows
            .filter((row) => row.component === component.name && row.hostPort !== null)
            .map((row) => [routeIdentity(row), row.hostPort as number]),
        ),
      })),
    );
    spec.components.forEach((component, componentIndex) => {
      component.routes.forEach((route, position) => {
        store.db
          .insert(routes)
          .values({
            service: spec.name,
            component: component.name,
            position,
            name: route.name,
            port: route.port,
            mode: route.mode,
            hostname: route.hostname ?? null,
            public: route.public,
            hostPort: hostPorts[componentIndex]?.[position] ?? null,
          })
          .run();
      });
    });
    return getService(store, spec.name);
  });
}

/** Sets the desired state (`mcp stop` / `mcp start`). */
export function setActive(store: Store, name: string, active: boolean): Service {
  return store.inWriteTransaction(() => {
    updateServiceOrThrow(store, name, { active, updatedAt: store.clock.now() });
    return getService(store, name);
  });
}

/** Undeploy: the service stays recorded, inactive, with every host port released. */
export function undeployService(store: Store, name: string): Service {
  return store.inWriteTransaction(() => {
    updateServiceOrThrow(store, name, { active: false, updatedAt: store.clock.now() });
    store.db.update(routes).set({ hostPort: null }).where(eq(routes.service, name)).run();
    return getService(store, name);
  });
}

/** Gives every route of the service that has no host port (released by undeploy) a fresh one. */
export function ensureHostPorts(store: Store, policy: PortPolicy, name: string): Service {
  return store.inWriteTransaction(() => {
    const service = getService(store, name);
    const unplaced = store.db
      .select()
      .from(routes)
      .where(and(eq(routes.service, name), isNull(routes.hostPort)))
      .all();
    const byComponent = service.components
      .map((component) => ({
        component: component.name,
        rows: unplaced.filter((row) => row.component === component.name),
      }))
      .filter((entry) => entry.rows.length > 0);
    const ports = assignHostPorts(
      store,
      policy,
      name,
      byComponent.map((entry) => ({
        component: entry.component,
        routes: entry.rows.map(routeFromRow),
        previous: new Map(),
      })),
    );
    byComponent.forEach((entry, index) => {
      entry.rows.forEach((row, routeIndex) => {
        store.db
          .update(routes)
          .set({ hostPort: ports[index]?.[routeIndex] ?? null })
          .where(
            and(
              eq(routes.service, row.service),
              eq(routes.component, row.component),
              eq(routes.position, row.position),
            ),
          )
          .run();
      });
    });
    return getService(store, name);
  });
}

/**
 * Gives each route of the component whose host port the host now reports busy (another process bound it after it
 * was handed out) a fresh port, in one transaction, and says which moved; none busy, nothing changes.
 * @throws PortsExhaustedError (nothing changed)
 */
export function moveBusyHostPorts(store: Store, policy: PortPolicy, ref: ComponentRef): HostPortMove[] {
  return store.inWriteTransaction(() => {
    const ofComponent = and(eq(routes.service, ref.service), eq(routes.component, ref.component));
    const busy = store.db
      .select()
      .from(routes)
      .where(ofComponent)
      .all()
      .filter((row) => row.hostPort !== null && !policy.isPortFree(row.hostPort));
    if (busy.length === 0) return [];
    for (const row of busy) {
      store.db.update(routes).set({ hostPort: null }).where(and(ofComponent, eq(routes.position, row.position))).run();
    }
    // The busy ports are free in the registry now, but the probe still reports them busy: none comes back.
    const placed = ensureHostPorts(store, policy, ref.service).components.find((component) => component.name === ref.component);
    return busy.map((row) => ({
      route: routeLabel(row),
      from: row.hostPort as number,
      to: placed?.routes[row.position]?.hostPort as number,
    }));
  });
}

/** Deletes the service and, by cascade, its components, routes (ports) and alert state. */
export function deleteService(store: Store, name: string): void {
  const result = store.db.delete(services).where(eq(services.name, name)).run();
  if (result.changes === 0) throw serviceNotFound(name);
}

/** Deletes one component and, by cascade, its routes (ports) and alert state. */
export function deleteComponent(store: Store, ref: ComponentRef): void {
  const result = store.db
    .delete(components)
    .where(and(eq(components.service, ref.service), eq(components.name, ref.component)))
    .run();
  if (result.changes === 0) throw componentNotFound(ref);
}

export function serviceNotFound(name: string): NotFoundError {
  return new NotFoundError(`service "${name}" is not in the registry`, {
    kind: 'service',
    service: name,
  });
}

export function componentNotFound(ref: ComponentRef): NotFoundError {
  return new NotFoundError(
    `component "${ref.component}" of service "${ref.service}" is not in the registry`,
    { kind: 'component', service: ref.service, component: ref.component },
  );
}

function componentColumns(component: ComponentSpec, position: number, now: Date) {
  return {
    position,
    image: component.image,
    runtime: component.runtime,
    memoryMb: component.memoryMb ?? null,
    vcpus: component.vcpus,
    network: component.network ?? null,
    user: component.user ?? null,
    restart: component.restart ?? null,
    ports: [...component.ports],
    volumes: [...component.volumes],
    cmd: component.cmd === undefined ? null : [...component.cmd],
    env: [...component.env],
    updatedAt: now,
  };
}

/** Components kept from earlier deploys read back after the ones just defined, in their old order. */
function placeLeftoversAfter(store: Store, service: string, defined: readonly string[]): void {
  const leftovers = store.db
    .select({ name: components.name })
    .from(components)
    .where(eq(components.service, service))
    .orderBy(asc(components.position))
    .all()
    .filter((row) => !defined.includes(row.name));
  leftovers.forEach((row, index) => {
    store.db
      .update(components)
      .set({ position: defined.length + index })
      .where(and(eq(components.service, service), eq(components.name, row.name)))
      .run();
  });
}

function updateServiceOrThrow(
  store: Store,
  name: string,
  set: Partial<typeof services.$inferInsert>,
): void {
  const result = store.db.update(services).set(set).where(eq(services.name, name)).run();
  if (result.changes === 0) throw serviceNotFound(name);
}

function checkUnique(spec: ServiceSpec): void {
  const seen = new Set<string>();
  for (const component of spec.components) {
    if (seen.has(component.name)) {
      throw new ConflictError(
        `service "${spec.name}" defines component "${component.name}" twice; component names must be unique within a service`,
        { service: spec.name, component: component.name, problem: 'duplicate component' },
      );
    }
    seen.add(component.name);
    const identities = new Set<string>();
    for (const route of component.routes) {
      const identity = routeIdentity(route);
      if (identities.has(identity)) {
        throw new ConflictError(
          `component "${component.name}" of service "${spec.name}" has two routes that are the same route (${identity}); give each a distinct name, or a distinct port/hostname when unnamed`,
          { service: spec.name, component: component.name, route: route.name, problem: 'duplicate route' },
        );
      }
      identities.add(identity);
    }
  }
}
