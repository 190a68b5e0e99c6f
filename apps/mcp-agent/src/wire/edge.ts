// Converts edge routes to the wire (SetupEdgeRoute, ListEdgeRoutes): the certificate facts come from the kept certificate.
import { create } from '@bufbuild/protobuf';
import { EdgeRouteSchema, type EdgeRoute as WireEdgeRoute } from '@mcp/proto';
import type { EdgeRouteSpec } from '@mcp/registry';

export function edgeRouteToWire(
  route: Pick<EdgeRouteSpec, 'hostname' | 'backendHostname' | 'backendPort' | 'backendAddress' | 'service' | 'listenerPort'>,
  certificate: { readonly serial: string; readonly notAfter: Date } | undefined,
): WireEdgeRoute {
  return create(EdgeRouteSchema, {
    hostname: route.hostname,
    backendHostname: route.backendHostname,
    backendPort: route.backendPort,
    backendAddress: route.backendAddress,
    service: route.service,
    listenerPort: route.listenerPort,
    certSerial: certificate?.serial ?? '',
    // RFC 3339 UTC without milliseconds, as the Go MCP wrote it.
    certExpires: certificate === undefined ? '' : certificate.notAfter.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}
