// The node proxy as the agent's deploy and lifecycle see it: certificates for l7 routes, then the component's
// routes in the registry (desired) and in the proxy (served). The agent is the proxy's only writer (SPEC §7).
import type { CertificateStore } from '@mcp/acme';
import type { ProxyDriver, ProxyRoute } from '@mcp/proxy';
import type { StepResult } from '@mcp/proto';
import type { Component, ComponentRef, DesiredProxyRoute, RecordedProxyRoute, RouteSpec } from '@mcp/registry';
import { errorText } from './component-container.js';
import { ROUTE_HOST_IP } from './container-spec.js';
import { stepFailed, stepOk, stepSkipped } from './wire/spec.js';

/** The proxy and where its certificates come from; absent from AgentDeps on a node without a proxy. */
export interface ProxyRouting {
  readonly driver: ProxyDriver & { ensureRunning?(): Promise<'running' | 'started'> };
  /** Kept certificates; without an ACME CA (`canIssue` false) l7 routes of definitions cannot get one (deploy fails). */
  readonly certificates: CertificateStore;
  /** Internal zone: a route without a hostname, and a public route, get `<service>.<zone>`. */
  readonly zone: string;
}

/**
 * The name this node's proxy serves a route under (and gets its certificate for): the route's hostname, or
 * `<service>.<zone>` without one. A public route is served under `<service>.<zone>` as well: its public hostname is
 * terminated by the edge node (the public certificate lives only there), which re-encrypts to this proxy by the
 * internal name and verifies this proxy's certificate for it.
 */
export function routeHostname(service: string, route: Pick<RouteSpec, 'hostname' | 'public'>, zone: string): string {
  return route.public || route.hostname === undefined ? `${service}.${zone}` : route.hostname;
}

/** The proxy routes a component's definition asks for, backends at its host ports on 127.0.0.1. */
export function desiredRoutesOf(service: string, component: Component, zone: string): DesiredProxyRoute[] {
  return component.routes.flatMap((route) =>
    route.hostPort === undefined
      ? []
      : [
          {
            listenerPort: route.port,
            hostname: routeHostname(service, route, zone),
            backendHost: ROUTE_HOST_IP,
            backendPort: route.hostPort,
            mode: route.mode,
            backendTls: false,
            certSource: route.mode === 'l7' ? ('acme' as const) : ('none' as const),
            owner: { service, component: component.name },
          },
        ],
  );
}

function routeNames(routes: readonly RouteSpec[]): string {
  return routes.map((route) => (route.name === '' ? `:${route.port}` : route.name)).join(', ');
}

function label(route: Pick<DesiredProxyRoute, 'mode' | 'hostname' | 'listenerPort'>): string {
  return `${route.mode} ${route.hostname}:${route.listenerPort}`;
}

/**
 * Certificates for the component's l7 routes (stored ones reused while more than 30 days remain). Runs before the
 * container is replaced: a failure fails the deploy with the CA's reason and nothing else changes (SPEC §10, 1).
 */
export async function obtainCertificates(proxy: ProxyRouting | undefined, service: string, component: Component): Promise<StepResult> {
  const l7 = component.routes.filter((route) => route.mode === 'l7');
  if (l7.length === 0) return stepSkipped('cert', 'no l7 route');
  if (proxy === undefined) return stepSkipped('cert', `no certificate issuer configured on this node; l7 routes without a certificate: ${routeNames(l7)}`);
  const certificates = proxy.certificates;
  const done: string[] = [];
  for (const route of l7) {
    const hostname = routeHostname(service, route, proxy.zone);
    try {
      const certificate = await certificates.obtain(hostname);
      done.push(`${hostname} (serial ${certificate.serial}, expires ${certificate.notAfter.toISOString()})`);
    } catch (error) {
      return stepFailed('cert', errorText(error));
    }
  }
  return stepOk('cert', done.join(', '));
}

/** The route as the proxy takes it: l7 with its stored certificate. */
export async function proxyRouteOf(proxy: ProxyRouting, route: DesiredProxyRoute): Promise<ProxyRoute> {
  const base = {
    listenerPort: route.listenerPort,
    hostname: route.hostname,
    backend: { host: route.backendHost, port: route.backendPort },
    mode: route.mode,
    backendTls: route.backendTls,
    ...(route.backendServerName === undefined ? {} : { backendServerName: route.backendServerName }),
  };
  if (route.mode === 'l4') return base;
  const stored = await proxy.certificates.find(route.hostname);
  if (stored === undefined) throw new Error(`no certificate is kept for ${route.hostname}: the route cannot be served`);
  return { ...base, certificate: { chainPem: stored.chainPem, keyPem: stored.keyPem } };
}

/**
 * Records the component's routes as desired and puts them on the proxy. A route the proxy refuses is taken back
 * out of both, with every route put before it: nothing half-registered.
 */
export async function registerRoutes(
  deps: { readonly registry: { putProxyRoute(route: DesiredProxyRoute): RecordedProxyRoute; deleteProxyRoute(port: number, hostname: string): boolean; listProxyRoutesOf(owner: ComponentRef): RecordedProxyRoute[] } },
  proxy: ProxyRouting | undefined,
  service: string,
  component: Component,
): Promise<StepResult> {
  if (component.routes.length === 0) return stepSkipped('proxy', 'no routes');
  if (proxy === undefined) return stepSkipped('proxy', `no proxy configured on this node; routes not registered: ${routeNames(component.routes)}`);
  const wanted = desiredRoutesOf(service, component, proxy.zone);
  const stale = deps.registry.listProxyRoutesOf({ service, component: component.name }).filter((old) => !wanted.some((route) => route.listenerPort === old.listenerPort && route.hostname === old.hostname));
  const put: DesiredProxyRoute[] = [];
  try {
    for (const old of stale) {
      await proxy.driver.removeRoute(old.listenerPort, old.hostname);
      deps.registry.deleteProxyRoute(old.listenerPort, old.hostname);
    }
    for (const route of wanted) {
      await proxy.driver.putRoute(await proxyRouteOf(proxy, route));
      put.push(route);
      deps.registry.putProxyRoute(route);
    }
  } catch (error) {
    for (const route of put) {
      await proxy.driver.removeRoute(route.listenerPort, route.hostname).catch(() => false);
      deps.registry.deleteProxyRoute(route.listenerPort, route.hostname);
    }
    return stepFailed('proxy', `routes not registered: ${errorText(error)}`);
  }
  return stepOk('proxy', wanted.map((route) => `${label(route)} → ${route.backendHost}:${route.backendPort}`).join(', '));
}

/** Takes the component's routes off the proxy and out of the desired set. */
export async function removeRoutes(
  deps: { readonly registry: { deleteProxyRoute(port: number, hostname: string): boolean; listProxyRoutesOf(owner: ComponentRef): RecordedProxyRoute[] } },
  proxy: ProxyRouting | undefined,
  service: string,
  component: Component,
): Promise<StepResult> {
  if (component.routes.length === 0) return stepSkipped('proxy', 'no routes');
  if (proxy === undefined) return stepSkipped('proxy', `no proxy configured on this node; routes nothing to remove: ${routeNames(component.routes)}`);
  const recorded = deps.registry.listProxyRoutesOf({ service, component: component.name });
  if (recorded.length === 0) return stepSkipped('proxy', 'no registered routes');
  try {
    for (const route of recorded) {
      await proxy.driver.removeRoute(route.listenerPort, route.hostname);
      deps.registry.deleteProxyRoute(route.listenerPort, route.hostname);
    }
  } catch (error) {
    return stepFailed('proxy', `routes not removed: ${errorText(error)}`);
  }
  return stepOk('proxy', `removed ${recorded.map(label).join(', ')}`);
}
