// HAProxy 2.6 configuration for the node proxy: one tcp frontend per listener reads the SNI; l4 names are passed
// through to the backend named by a map, l7 names go to a terminating frontend (abstract socket) with a crt-list.
import { join } from 'node:path';
import type { ProxyRoute } from '../types.js';

/** Files of one HAProxy instance, all under its state dir. */
export interface HaproxyLayout {
  readonly dir: string;
  readonly configPath: string;
  readonly adminSocket: string;
  readonly masterSocket: string;
  readonly pidFile: string;
  readonly fallbackCertPath: string;
  readonly listenersPath: string;
  readonly certDir: string;
}

export function haproxyLayout(dir: string): HaproxyLayout {
  return {
    dir,
    configPath: join(dir, 'haproxy.cfg'),
    adminSocket: join(dir, 'admin.sock'),
    masterSocket: join(dir, 'master.sock'),
    pidFile: join(dir, 'haproxy.pid'),
    fallbackCertPath: join(dir, 'fallback.pem'),
    listenersPath: join(dir, 'listeners.json'),
    certDir: join(dir, 'certs'),
  };
}

export function l4MapPath(layout: HaproxyLayout, port: number): string {
  return join(layout.dir, `l4-${port}.map`);
}

export function l7MapPath(layout: HaproxyLayout, port: number): string {
  return join(layout.dir, `l7-${port}.map`);
}

export function crtListPath(layout: HaproxyLayout, port: number): string {
  return join(layout.dir, `l7-${port}.crtlist`);
}

/** One PEM (chain + key) per l7 route; the path is also the certificate's name on the admin socket. */
export function certPath(layout: HaproxyLayout, route: Pick<ProxyRoute, 'listenerPort' | 'hostname'>): string {
  return join(layout.certDir, `${route.hostname}-${route.listenerPort}.pem`);
}

export interface HaproxyConfigInput {
  readonly layout: HaproxyLayout;
  /** Address the listeners bind (the node's address). */
  readonly address: string;
  readonly listenerPorts: readonly number[];
  /**
   * Names the abstract sockets between the tcp and the terminating frontends: abstract sockets are shared by every
   * process on the host, so two proxies (a dev fleet's nodes, tests) need different names.
   */
  readonly instance: string;
  /** CA bundle a re-encrypting route verifies its backend against; "@system-ca" for the system's. */
  readonly backendCaFile: string;
  readonly maxConnections: number;
}

export function l7SocketName(instance: string, port: number): string {
  return `abns@mcp-${instance}-l7-${port}`;
}

/**
 * Map value of an l7 route: `plain|host|port`, `tls|host|port`, or `tls|host|port|server-name` when the backend is
 * named apart from the route (`|`: a comma in map values is split by HAProxy).
 */
export function l7MapValue(route: Pick<ProxyRoute, 'backend' | 'backendTls' | 'backendServerName'>): string {
  const base = `${route.backendTls ? 'tls' : 'plain'}|${route.backend.host}|${route.backend.port}`;
  return route.backendServerName === undefined ? base : `${base}|${route.backendServerName}`;
}

/** Map value of an l4 route: `host|port`. */
export function l4MapValue(route: Pick<ProxyRoute, 'backend'>): string {
  return `${route.backend.host}|${route.backend.port}`;
}

/** crt-list line of an l7 route: the cert file, no options, the exact hostname as the only SNI filter. */
export function crtListLine(layout: HaproxyLayout, route: Pick<ProxyRoute, 'listenerPort' | 'hostname'>): string {
  return `${certPath(layout, route)} ${route.hostname}`;
}

function listenerSections(input: HaproxyConfigInput, port: number): string {
  const { layout } = input;
  const l7 = l7SocketName(input.instance, port);
  return `
frontend listener_${port}
    mode tcp
    bind ${input.address}:${port}
    tcp-request inspect-delay 5s
    tcp-request content set-var(sess.sni) req.ssl_sni
    tcp-request content set-var(sess.l4) var(sess.sni),map(${l4MapPath(layout, port)})
    tcp-request content accept if { req.ssl_hello_type 1 }
    use_backend passthrough_${port} if { var(sess.l4) -m found }
    default_backend terminate_${port}

backend passthrough_${port}
    mode tcp
    tcp-request content set-dst var(sess.l4),field(1,|)
    tcp-request content set-dst-port var(sess.l4),field(2,|)
    server dst 0.0.0.0:0

backend terminate_${port}
    mode tcp
    server l7 ${l7} send-proxy-v2

frontend l7_${port}
    mode http
    bind ${l7} accept-proxy ssl crt-list ${crtListPath(layout, port)} strict-sni alpn h2,http/1.1
    http-request set-var(txn.route) ssl_fc_sni,lower,map(${l7MapPath(layout, port)})
    http-request deny deny_status 421 unless { var(txn.route) -m found }
    # A re-encrypting route names its backend by the route's hostname, or by the map's 4th field when it has one.
    http-request set-var(txn.backend_name) ssl_fc_sni,lower
    http-request set-var(txn.backend_name) var(txn.route),field(4,|) if { var(txn.route),field(4,|) -m reg . }
    option forwardfor
    http-request set-header X-Forwarded-Proto https
    use_backend l7_tls_${port} if { var(txn.route),field(1,|) -m str tls }
    default_backend l7_plain_${port}

backend l7_plain_${port}
    mode http
    http-request set-dst var(txn.route),field(2,|)
    http-request set-dst-port var(txn.route),field(3,|)
    server dst 0.0.0.0:0

backend l7_tls_${port}
    mode http
    http-request set-dst var(txn.route),field(2,|)
    http-request set-dst-port var(txn.route),field(3,|)
    server dst 0.0.0.0:0 ssl verify required ca-file ${input.backendCaFile} sni var(txn.backend_name) alpn http/1.1
`;
}

/** The whole haproxy.cfg; routes live in the map and crt-list files it names, never in the config itself. */
export function renderHaproxyConfig(input: HaproxyConfigInput): string {
  const ports = [...new Set(input.listenerPorts)].sort((a, b) => a - b);
  return `# Written by the MCP agent, its only writer: routes live in the .map and .crtlist files next to this file.
global
    maxconn ${input.maxConnections}
    stats socket ${input.layout.adminSocket} mode 600 level admin expose-fd listeners
    pidfile ${input.layout.pidFile}
    tune.ssl.default-dh-param 2048

defaults
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-request 30s
    maxconn ${input.maxConnections}
${ports.map((port) => listenerSections(input, port)).join('')}`;
}
