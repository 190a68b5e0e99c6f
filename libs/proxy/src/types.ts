// Domain types of the node proxy: routes as the agent wants them and as a proxy reports them, and the driver interface.

export type ProxyMode = 'l4' | 'l7';

/** Where a route's traffic goes. */
export interface ProxyBackend {
  readonly host: string;
  readonly port: number;
}

/** The certificate an l7 route serves: the full chain (leaf first) and its private key, both PEM. */
export interface ProxyCertificate {
  readonly chainPem: string;
  readonly keyPem: string;
}

/** A route: listener + hostname → backend. l7 routes carry the certificate the proxy terminates TLS with. */
export interface ProxyRoute {
  readonly listenerPort: number;
  readonly hostname: string;
  readonly backend: ProxyBackend;
  readonly mode: ProxyMode;
  /** The proxy speaks TLS to the backend (l7 only: an l4 route passes the client's TLS through). */
  readonly backendTls: boolean;
  /**
   * Re-encrypting l7 only: the name sent to the backend as SNI and checked in its certificate; absent: the route's
   * hostname (the client's SNI). An edge route sets it to the backend's internal name.
   */
  readonly backendServerName?: string;
  /** Required for l7, absent for l4. */
  readonly certificate?: ProxyCertificate;
}

/** A route as the proxy serves it now; an l7 route says which certificate (serial, hex) it presents. */
export interface ServedRoute {
  readonly listenerPort: number;
  readonly hostname: string;
  readonly backend: ProxyBackend;
  readonly mode: ProxyMode;
  readonly backendTls: boolean;
  readonly backendServerName?: string;
  readonly certificateSerial?: string;
}

export interface ProxyListenerStatus {
  readonly port: number;
  readonly activeConnections: number;
}

export interface ProxyStatus {
  /** Driver name ("haproxy", "mc-proxy"). */
  readonly driver: string;
  readonly version: string;
  readonly startedAt?: Date;
  readonly connections: number;
  readonly activeConnections: number;
  readonly listeners: readonly ProxyListenerStatus[];
  /**
   * Identifies the serving process: it changes when the proxy restarts or reloads (HAProxy: the worker's pid
   * and the master's reload count), so callers can prove a change needed neither.
   */
  readonly generation: string;
}

/**
 * One proxy program, driven by the agent (its only writer). Every method is idempotent; a route is keyed by
 * (listenerPort, hostname). A driver applies route and certificate changes without interrupting traffic, and
 * keeps what a restarted proxy needs to come back with every route.
 */
export interface ProxyDriver {
  readonly name: string;
  /** Adds the route, or replaces the one with the same key (a renewed certificate is a replace). */
  putRoute(route: ProxyRoute): Promise<void>;
  /** Removes the route; false when the proxy did not have it. */
  removeRoute(listenerPort: number, hostname: string): Promise<boolean>;
  /** What the proxy serves now, sorted by listener port then hostname. */
  listRoutes(): Promise<ServedRoute[]>;
  status(): Promise<ProxyStatus>;
}

/** Whether two routes say the same thing to the proxy (the certificate is compared by the caller, by serial). */
export function sameRoute(
  a: Pick<ServedRoute, 'backend' | 'mode' | 'backendTls' | 'backendServerName'>,
  b: Pick<ServedRoute, 'backend' | 'mode' | 'backendTls' | 'backendServerName'>,
): boolean {
  return (
    a.mode === b.mode &&
    a.backendTls === b.backendTls &&
    a.backend.host === b.backend.host &&
    a.backend.port === b.backend.port &&
    a.backendServerName === b.backendServerName
  );
}

export function routeKey(route: Pick<ProxyRoute, 'listenerPort' | 'hostname'>): string {
  return `${route.hostname}:${route.listenerPort}`;
}
