// The certificate, proxy and DNS steps of deploy and lifecycle. Certificates and proxy routes go through the node's
// proxy (proxy-routing.ts) when one is configured; the master writes DNS records, so the agent's dns step says it did
// not apply and why.
import type { StepResult } from '@mcp/proto';
import type { Component } from '@mcp/registry';
import type { AgentDeps } from './deps.js';
import { obtainCertificates, registerRoutes, removeRoutes, routeHostname } from './proxy-routing.js';
import { errorText } from './component-container.js';
import { stepFailed, stepOk, stepSkipped } from './wire/spec.js';

export const NO_DNS = 'the master keeps the service\'s DNS record (SPEC §7, v2 path); the agent writes none';

/** Certificates are for l7 routes only (the proxy terminates TLS there); a failure fails the deploy. */
export function certificateStep(deps: Pick<AgentDeps, 'proxy'>, service: string, component: Component): Promise<StepResult> {
  return obtainCertificates(deps.proxy, service, component);
}

/** Deletes the kept certificates of the component's l7 hostnames that no remaining route serves (undeploy). */
export async function certificateRemoveStep(deps: Pick<AgentDeps, 'proxy' | 'registry'>, service: string, component: Component): Promise<StepResult> {
  const certificates = deps.proxy?.certificates;
  const l7 = component.routes.filter((route) => route.mode === 'l7');
  if (l7.length === 0) return stepSkipped('cert', 'no l7 route');
  if (deps.proxy === undefined || certificates === undefined) return stepSkipped('cert', 'no proxy configured on this node; no certificate kept');
  const zone = deps.proxy.zone;
  const stillServed = new Set(deps.registry.listProxyRoutes().filter((route) => route.mode === 'l7').map((route) => route.hostname));
  const hostnames = [...new Set(l7.map((route) => routeHostname(service, route, zone)))].filter((hostname) => !stillServed.has(hostname));
  try {
    for (const hostname of hostnames) await certificates.remove(hostname);
  } catch (error) {
    return stepFailed('cert', errorText(error));
  }
  return hostnames.length === 0 ? stepSkipped('cert', 'still used by another route') : stepOk('cert', `removed ${hostnames.join(', ')}`);
}

export function proxyStep(deps: Pick<AgentDeps, 'proxy' | 'registry'>, service: string, component: Component, action: 'register' | 'remove'): Promise<StepResult> {
  return action === 'register' ? registerRoutes(deps, deps.proxy, service, component) : removeRoutes(deps, deps.proxy, service, component);
}

export function dnsStep(action: 'register' | 'remove'): StepResult {
  return stepSkipped('dns', `${NO_DNS}; no record ${action === 'register' ? 'registered' : 'removed'} here`);
}
