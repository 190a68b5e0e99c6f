// Converts the node proxy's domain types to the wire (ListProxyRoutes, AddProxyRoute, RemoveProxyRoute).
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ProxyInfoSchema, ProxyListenerSchema, ProxyRouteSchema, type ProxyInfo, type ProxyListener, type ProxyRoute as WireProxyRoute } from '@mcp/proto';
import type { ProxyStatus } from '@mcp/proxy';
import type { DesiredProxyRoute } from '@mcp/registry';

export function proxyRouteToWire(route: Pick<DesiredProxyRoute, 'listenerPort' | 'hostname' | 'backendHost' | 'backendPort' | 'mode' | 'backendTls' | 'owner'>, certExpiresAt?: Date): WireProxyRoute {
  return create(ProxyRouteSchema, {
    listenerPort: route.listenerPort,
    hostname: route.hostname,
    backend: `${route.backendHost}:${route.backendPort}`,
    mode: route.mode,
    backendTls: route.backendTls,
    service: route.owner?.service ?? '',
    component: route.owner?.component ?? '',
    ...(certExpiresAt === undefined ? {} : { certExpiresAt: timestampFromDate(certExpiresAt) }),
  });
}

export function proxyInfoToWire(status: ProxyStatus, now: Date): ProxyInfo {
  return create(ProxyInfoSchema, {
    driver: status.driver,
    version: status.version,
    connections: BigInt(status.connections),
    activeConnections: BigInt(status.activeConnections),
    ...(status.startedAt === undefined
      ? {}
      : { startedAt: timestampFromDate(status.startedAt), uptime: durationFromMs(Math.max(0, now.getTime() - status.startedAt.getTime())) }),
  });
}

export function proxyListenerToWire(port: number, activeConnections: number, routes: WireProxyRoute[]): ProxyListener {
  return create(ProxyListenerSchema, { port, routeCount: routes.length, activeConnections: BigInt(activeConnections), routes });
}
