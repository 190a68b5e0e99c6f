// Edge routes of an edge node: public hostname → internal backend, with the certificate that serves it.
import { asc, eq } from 'drizzle-orm';
import { NotFoundError } from './errors.js';
import { edgeRouteFromRow } from './rows.js';
import { edgeRoutes } from './schema.js';
import type { Store } from './store.js';
import type { EdgeRoute, EdgeRouteSpec } from './types.js';

/** Creates or replaces the route for `spec.hostname` (a renewed certificate is a replace). */
export function putEdgeRoute(store: Store, spec: EdgeRouteSpec): EdgeRoute {
  const now = store.clock.now();
  const columns = {
    backendHostname: spec.backendHostname,
    backendPort: spec.backendPort,
    certPath: spec.certPath,
    keyPath: spec.keyPath,
    certExpiresAt: spec.certExpiresAt,
    updatedAt: now,
  };
  const row = store.db
    .insert(edgeRoutes)
    .values({ hostname: spec.hostname, createdAt: now, ...columns })
    .onConflictDoUpdate({ target: edgeRoutes.hostname, set: columns })
    .returning()
    .get();
  return edgeRouteFromRow(row);
}

export function findEdgeRoute(store: Store, hostname: string): EdgeRoute | undefined {
  const row = store.db.select().from(edgeRoutes).where(eq(edgeRoutes.hostname, hostname)).get();
  return row === undefined ? undefined : edgeRouteFromRow(row);
}

export function getEdgeRoute(store: Store, hostname: string): EdgeRoute {
  const route = findEdgeRoute(store, hostname);
  if (route === undefined) throw edgeRouteNotFound(hostname);
  return route;
}

export function listEdgeRoutes(store: Store): EdgeRoute[] {
  return store.db
    .select()
    .from(edgeRoutes)
    .orderBy(asc(edgeRoutes.hostname))
    .all()
    .map(edgeRouteFromRow);
}

export function deleteEdgeRoute(store: Store, hostname: string): void {
  const result = store.db.delete(edgeRoutes).where(eq(edgeRoutes.hostname, hostname)).run();
  if (result.changes === 0) throw edgeRouteNotFound(hostname);
}

function edgeRouteNotFound(hostname: string): NotFoundError {
  return new NotFoundError(`no edge route for hostname "${hostname}"`, {
    kind: 'edge route',
    hostname,
  });
}
