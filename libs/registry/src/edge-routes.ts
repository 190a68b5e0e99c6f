// Edge routes of an edge node: public hostname → internal backend, with the certificate and the proxy route that serve it.
import { asc, eq } from 'drizzle-orm';
import { NotFoundError } from './errors.js';
import { edgeRouteFromRow } from './rows.js';
import { edgeRoutes } from './schema.js';
import type { Store } from './store.js';
import { deleteProxyRoute, putProxyRoute } from './proxy-routes.js';
import type { DesiredProxyRoute, EdgeRoute, EdgeRouteSpec } from './types.js';

/** The proxy route an edge route is served by: l7, re-encrypting to the resolved backend, checked as its internal name. */
export function edgeProxyRouteOf(spec: EdgeRouteSpec): DesiredProxyRoute {
  return {
    listenerPort: spec.listenerPort,
    hostname: spec.hostname,
    backendHost: spec.backendAddress,
    backendPort: spec.backendPort,
    mode: 'l7',
    backendTls: true,
    certSource: 'acme',
    backendServerName: spec.backendHostname,
  };
}

/**
 * Creates or replaces the route for `spec.hostname` (a renewed certificate is a replace) together with the proxy route
 * that serves it, in one transaction; a replace on another listener takes the old proxy route out.
 */
export function putEdgeRoute(store: Store, spec: EdgeRouteSpec): EdgeRoute {
  return store.inWriteTransaction(() => {
    const previous = findEdgeRoute(store, spec.hostname);
    if (previous !== undefined && previous.listenerPort !== spec.listenerPort) deleteProxyRoute(store, previous.listenerPort, spec.hostname);
    const now = store.clock.now();
    const columns = {
      backendHostname: spec.backendHostname,
      backendPort: spec.backendPort,
      backendAddress: spec.backendAddress,
      service: spec.service,
      listenerPort: spec.listenerPort,
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
    putProxyRoute(store, edgeProxyRouteOf(spec));
    return edgeRouteFromRow(row);
  });
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

/** Deletes the route and the proxy route that serves it, in one transaction. */
export function deleteEdgeRoute(store: Store, hostname: string): void {
  store.inWriteTransaction(() => {
    const route = getEdgeRoute(store, hostname);
    store.db.delete(edgeRoutes).where(eq(edgeRoutes.hostname, hostname)).run();
    deleteProxyRoute(store, route.listenerPort, hostname);
  });
}

function edgeRouteNotFound(hostname: string): NotFoundError {
  return new NotFoundError(`no edge route for hostname "${hostname}"`, {
    kind: 'edge route',
    hostname,
  });
}
