// The certificate, proxy and DNS steps of deploy and lifecycle. This agent version has no proxy or certificate
// backend, and the master writes DNS records; so each step says it did not apply and why; it is never reported OK.
import type { StepResult } from '@mcp/proto';
import type { ComponentSpec } from '@mcp/registry';
import { stepSkipped } from './wire/spec.js';

export const NO_PROXY = 'no proxy configured on this node';
export const NO_CERTIFICATES = 'no certificate issuer configured on this node';
export const NO_DNS = 'the master keeps the service\'s DNS record (SPEC §7, v2 path); the agent writes none';

function routeNames(component: ComponentSpec): string {
  return component.routes.map((route) => (route.name === '' ? `:${route.port}` : route.name)).join(', ');
}

/** Certificates are for l7 routes only (the proxy terminates TLS there). */
export function certificateStep(component: ComponentSpec): StepResult {
  const l7 = component.routes.filter((route) => route.mode === 'l7');
  if (l7.length === 0) return stepSkipped('cert', 'no l7 route');
  return stepSkipped('cert', `${NO_CERTIFICATES}; l7 routes without a certificate: ${routeNames({ ...component, routes: l7 })}`);
}

export function proxyStep(component: ComponentSpec, action: 'register' | 'remove'): StepResult {
  if (component.routes.length === 0) return stepSkipped('proxy', 'no routes');
  const verb = action === 'register' ? 'not registered' : 'nothing to remove';
  return stepSkipped('proxy', `${NO_PROXY}; routes ${verb}: ${routeNames(component)}`);
}

export function dnsStep(action: 'register' | 'remove'): StepResult {
  return stepSkipped('dns', `${NO_DNS}; no record ${action === 'register' ? 'registered' : 'removed'} here`);
}
