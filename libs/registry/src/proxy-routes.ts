// The node proxy's routes as the agent wants them: written by deploy/start/AddProxyRoute, read by the repair sweep.
import { and, asc, eq } from 'drizzle-orm';
import { proxyRouteFromRow } from './rows.js';
import { proxyRoutes } from './schema.js';
import type { Store } from './store.js';
import type { ComponentRef, DesiredProxyRoute, RecordedProxyRoute } from './types.js';

/** Creates or replaces the route with the same (listenerPort, hostname). */
export function putProxyRoute(store: Store, route: DesiredProxyRoute): RecordedProxyRoute {
  const now = store.clock.now();
  const columns = {
    backendHost: route.backendHost,
    backendPort: route.backendPort,
    mode: route.mode,
    backendTls: route.backendTls,
    certSource: route.certSource,
    backendServerName: route.backendServerName ?? null,
    service: route.owner?.service ?? null,
    component: route.owner?.component ?? null,
    updatedAt: now,
  };
  const row = store.db
    .insert(proxyRoutes)
    .values({ listenerPort: route.listenerPort, hostname: route.hostname, createdAt: now, ...columns })
    .onConflictDoUpdate({ target: [proxyRoutes.listenerPort, proxyRoutes.hostname], set: columns })
    .returning()
    .get();
  return proxyRouteFromRow(row);
}

export function findProxyRoute(store: Store, listenerPort: number, hostname: string): RecordedProxyRoute | undefined {
  const row = store.db
    .select()
    .from(proxyRoutes)
    .where(and(eq(proxyRoutes.listenerPort, listenerPort), eq(proxyRoutes.hostname, hostname)))
    .get();
  return row === undefined ? undefined : proxyRouteFromRow(row);
}

/** Sorted by listener port, then hostname. */
export function listProxyRoutes(store: Store): RecordedProxyRoute[] {
  return store.db.select().from(proxyRoutes).orderBy(asc(proxyRoutes.listenerPort), asc(proxyRoutes.hostname)).all().map(proxyRouteFromRow);
}

/** False when there was no such route. */
export function deleteProxyRoute(store: Store, listenerPort: number, hostname: string): boolean {
  return store.db.delete(proxyRoutes).where(and(eq(proxyRoutes.listenerPort, listenerPort), eq(proxyRoutes.hostname, hostname))).run().changes > 0;
}

export function listProxyRoutesOf(store: Store, owner: ComponentRef): RecordedProxyRoute[] {
  return store.db
    .select()
    .from(proxyRoutes)
    .where(and(eq(proxyRoutes.service, owner.service), eq(proxyRoutes.component, owner.component)))
    .orderBy(asc(proxyRoutes.listenerPort), asc(proxyRoutes.hostname))
    .all()
    .map(proxyRouteFromRow);
}
