// The node's proxy routes: ListProxyRoutes (what the proxy serves, with owners and certificate expiry),
// AddProxyRoute (a route by hand: certificate first for l7, nothing registered on failure), RemoveProxyRoute.
import { create } from '@bufbuild/protobuf';
import {
  AddProxyRouteResponseSchema,
  ListProxyRoutesResponseSchema,
  RemoveProxyRouteResponseSchema,
  type AddProxyRouteRequest,
  type StepResult,
} from '@mcp/proto';
import { isHostname } from '@mcp/proxy';
import type { DesiredProxyRoute, RouteMode } from '@mcp/registry';
import { isIP } from 'node:net';
import type { HandlerGroup } from '../agent-handlers.js';
import { errorText } from '../component-container.js';
import type { AgentDeps } from '../deps.js';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { proxyRouteOf, type ProxyRouting } from '../proxy-routing.js';
import { proxyInfoToWire, proxyListenerToWire, proxyRouteToWire } from '../wire/proxy.js';
import { stepOk, stepSkipped } from '../wire/spec.js';

function proxyOf(deps: AgentDeps, method: string): ProxyRouting {
  if (deps.proxy === undefined) throw new FailedPreconditionError(`${method}: this node has no proxy configured ([proxy] driver = "none" in the agent config)`);
  return deps.proxy;
}

function checkPort(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new InvalidArgumentError({ field, value, problem: 'is not a port', expected: 'a whole number from 1 to 65535' });
  return value;
}

function checkHostname(value: string): string {
  if (!isHostname(value)) throw new InvalidArgumentError({ field: 'hostname', value, problem: 'is not a lower-case DNS name', expected: 'a name like web.svc.mcp.test' });
  return value;
}

function parseBackend(value: string): { host: string; port: number } {
  const colon = value.lastIndexOf(':');
  const host = colon > 0 ? value.slice(0, colon).replace(/^\[(.*)\]$/, '$1') : '';
  const port = Number(value.slice(colon + 1));
  if (colon <= 0 || (isIP(host) === 0 && !isHostname(host)) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError({ field: 'backend', value, problem: 'is not host:port', expected: 'an address or DNS name, a colon and a port, e.g. 127.0.0.1:10001' });
  }
  return { host, port };
}

/** An edge route's proxy route belongs to the edge route: the master sets it up and removes it (Setup/RemoveEdgeRoute). */
function refuseEdgeRoute(deps: AgentDeps, listenerPort: number, hostname: string): void {
  const edge = deps.registry.findEdgeRoute(hostname);
  if (edge !== undefined && edge.listenerPort === listenerPort) {
    throw new FailedPreconditionError(`${hostname}:${listenerPort} is the edge route of service "${edge.service}": the master manages it (undeploy the service, or change its public route)`);
  }
}

interface CheckedAdd {
  readonly route: DesiredProxyRoute;
  readonly certificate?: { chainPem: string; keyPem: string };
}

function checkAddRequest(request: AddProxyRouteRequest): CheckedAdd {
  const listenerPort = checkPort('listener_port', request.listenerPort);
  const hostname = checkHostname(request.hostname);
  const backend = parseBackend(request.backend);
  if (request.mode !== 'l4' && request.mode !== 'l7') {
    throw new InvalidArgumentError({ field: 'mode', value: request.mode, problem: 'is not a route mode', expected: '"l4" (TLS passthrough) or "l7" (the proxy terminates TLS)' });
  }
  const mode: RouteMode = request.mode;
  if (mode === 'l4' && request.backendTls) {
    throw new InvalidArgumentError({ field: 'backend_tls', value: true, problem: 'applies to l7 routes only (an l4 route passes the client TLS through)', expected: 'false with mode "l4"' });
  }
  const hasCert = request.certPem !== '';
  const hasKey = request.keyPem !== '';
  if (mode === 'l4' && (hasCert || hasKey)) {
    throw new InvalidArgumentError({ field: hasCert ? 'cert_pem' : 'key_pem', value: '(PEM)', problem: 'is given for an l4 route (TLS ends in the backend)', expected: 'no certificate with mode "l4"' });
  }
  if (hasCert !== hasKey) {
    throw new InvalidArgumentError({ field: hasCert ? 'key_pem' : 'cert_pem', value: '', problem: `is missing while ${hasCert ? 'cert_pem' : 'key_pem'} is given`, expected: 'both the certificate and its key, or neither (the ACME CA issues one)' });
  }
  const route: DesiredProxyRoute = {
    listenerPort,
    hostname,
    backendHost: backend.host,
    backendPort: backend.port,
    mode,
    backendTls: request.backendTls,
    certSource: mode === 'l4' ? 'none' : hasCert ? 'operator' : 'acme',
  };
  return hasCert ? { route, certificate: { chainPem: request.certPem, keyPem: request.keyPem } } : { route };
}

export const proxyRpcs: HandlerGroup = (deps) => ({
  async listProxyRoutes() {
    const proxy = proxyOf(deps, 'ListProxyRoutes');
    const [status, served] = await Promise.all([proxy.driver.status(), proxy.driver.listRoutes()]);
    const desired = new Map(deps.registry.listProxyRoutes().map((route) => [`${route.listenerPort} ${route.hostname}`, route]));
    const ports = [...new Set([...status.listeners.map((listener) => listener.port), ...served.map((route) => route.listenerPort)])].sort((a, b) => a - b);
    const listeners = [];
    for (const port of ports) {
      const routes = [];
      for (const route of served.filter((candidate) => candidate.listenerPort === port)) {
        const edge = deps.registry.findEdgeRoute(route.hostname);
        // An edge route's proxy route shows the service it was set up for (it has no component).
        const owner = desired.get(`${port} ${route.hostname}`)?.owner ?? (edge?.listenerPort === port ? { service: edge.service, component: '' } : undefined);
        const expires = route.mode === 'l7' ? (await proxy.certificates.find(route.hostname))?.notAfter : undefined;
        routes.push(
          proxyRouteToWire(
            { listenerPort: port, hostname: route.hostname, backendHost: route.backend.host, backendPort: route.backend.port, mode: route.mode, backendTls: route.backendTls, ...(owner === undefined ? {} : { owner }) },
            expires,
          ),
        );
      }
      const active = status.listeners.find((listener) => listener.port === port)?.activeConnections ?? 0;
      listeners.push(proxyListenerToWire(port, active, routes));
    }
    return create(ListProxyRoutesResponseSchema, { node: deps.node.name, proxy: proxyInfoToWire(status, deps.clock.now()), listeners });
  },

  async addProxyRoute(request) {
    const proxy = proxyOf(deps, 'AddProxyRoute');
    const { route, certificate } = checkAddRequest(request);
    const existing = deps.registry.findProxyRoute(route.listenerPort, route.hostname);
    refuseEdgeRoute(deps, route.listenerPort, route.hostname);
    if (existing?.owner !== undefined) {
      throw new FailedPreconditionError(
        `${route.hostname}:${route.listenerPort} is a route of service "${existing.owner.service}" (component "${existing.owner.component}"): change its definition instead`,
      );
    }
    const steps: StepResult[] = [];
    let expires: Date | undefined;
    if (route.mode === 'l4') {
      steps.push(stepSkipped('cert', 'l4: TLS ends in the backend'));
    } else {
      try {
        const kept = certificate === undefined ? await proxy.certificates.obtain(route.hostname) : await proxy.certificates.put(route.hostname, certificate);
        expires = kept.notAfter;
        steps.push(stepOk('cert', `${certificate === undefined ? 'from the ACME CA' : 'supplied by the operator'}: serial ${kept.serial}, expires ${kept.notAfter.toISOString()}`));
      } catch (error) {
        throw new FailedPreconditionError(`AddProxyRoute: no certificate for ${route.hostname}, nothing registered: ${errorText(error)}`, { cause: error });
      }
    }
    await proxy.driver.putRoute(await proxyRouteOf(proxy, route));
    steps.push(stepOk('proxy', `${route.mode} ${route.hostname}:${route.listenerPort} → ${request.backend}`));
    deps.registry.putProxyRoute(route);
    steps.push(stepOk('registry', 'recorded as desired'));
    deps.log.info({ rpc: 'AddProxyRoute', hostname: route.hostname, listenerPort: route.listenerPort, mode: route.mode }, 'proxy route added by hand');
    return create(AddProxyRouteResponseSchema, { route: proxyRouteToWire(route, expires), steps });
  },

  async removeProxyRoute(request) {
    const proxy = proxyOf(deps, 'RemoveProxyRoute');
    const listenerPort = checkPort('listener_port', request.listenerPort);
    const hostname = checkHostname(request.hostname);
    const existing = deps.registry.findProxyRoute(listenerPort, hostname);
    if (existing === undefined) throw new NotFoundError({ resource: 'proxy route', name: `${hostname}:${listenerPort}`, where: `node "${deps.node.name}"` });
    refuseEdgeRoute(deps, listenerPort, hostname);
    if (existing.owner !== undefined) {
      throw new FailedPreconditionError(
        `${hostname}:${listenerPort} is a route of service "${existing.owner.service}" (component "${existing.owner.component}"): stop or undeploy the service, or change its definition`,
      );
    }
    await proxy.driver.removeRoute(listenerPort, hostname);
    deps.registry.deleteProxyRoute(listenerPort, hostname);
    if (existing.certSource !== 'none' && !deps.registry.listProxyRoutes().some((route) => route.hostname === hostname && route.mode === 'l7')) {
      await proxy.certificates.remove(hostname);
    }
    deps.log.info({ rpc: 'RemoveProxyRoute', hostname, listenerPort }, 'proxy route removed by hand');
    return create(RemoveProxyRouteResponseSchema, { route: proxyRouteToWire(existing) });
  },
});
