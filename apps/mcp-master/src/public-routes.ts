// Public routes of a service: the allowed-domain check (by whole labels) and the edge node that would serve them.
import type { ServiceDefinition } from '@mcp/servicedef';
import type { NodeRecord } from './deps.js';

function labelsOf(name: string): string[] {
  // DNS names are case-insensitive and may be written fully qualified ("example.net.").
  const trimmed = name.trim().toLowerCase().replace(/\.$/, '');
  return trimmed === '' ? [] : trimmed.split('.');
}

/**
 * Whether `hostname` is `domain` or a name under it, comparing whole labels: `mcq.example.net` and
 * `example.net` are under `example.net`; `evilexample.net` is not. An empty domain contains nothing.
 */
export function isUnderDomain(hostname: string, domain: string): boolean {
  const host = labelsOf(hostname);
  const parent = labelsOf(domain);
  if (parent.length === 0 || host.length < parent.length || host.some((label) => label === '')) return false;
  const tail = host.slice(host.length - parent.length);
  return tail.every((label, index) => label === parent[index]);
}

/** The allowed domain the hostname is under (the longest when several match); undefined when none. */
export function allowedDomainOf(hostname: string, allowedDomains: readonly string[]): string | undefined {
  const matches = allowedDomains.filter((domain) => isUnderDomain(hostname, domain));
  return matches.sort((a, b) => labelsOf(b).length - labelsOf(a).length)[0];
}

export interface PublicRoute {
  readonly component: string;
  /** Index of the component and of the route in the definition (for request field names). */
  readonly componentIndex: number;
  readonly routeIndex: number;
  /** Explicit: the definition rules refuse a public route without one. */
  readonly hostname: string;
  readonly port: number;
}

/** Every route with `public = true`, in definition order. */
export function publicRoutesOf(definition: ServiceDefinition): PublicRoute[] {
  return definition.components.flatMap((component, componentIndex) =>
    component.routes.flatMap((route, routeIndex) =>
      route.public ? [{ component: component.name, componentIndex, routeIndex, hostname: route.hostname ?? '', port: route.port }] : [],
    ),
  );
}

/** Routes whose hostname is under none of the allowed domains (only checked when domains are configured). */
export function routesOutsideAllowedDomains(routes: readonly PublicRoute[], allowedDomains: readonly string[]): PublicRoute[] {
  if (allowedDomains.length === 0) return [];
  return routes.filter((route) => allowedDomainOf(route.hostname, allowedDomains) === undefined);
}

/**
 * The edge node for a new public route: a healthy edge node with the fewest recorded edge routes, ties by name.
 * `recorded` is every edge route the master records (only their edge nodes are counted).
 */
export function chooseEdgeNode(nodes: readonly NodeRecord[], recorded: readonly { readonly edgeNode: string }[] = []): NodeRecord | undefined {
  const load = new Map<string, number>();
  for (const route of recorded) load.set(route.edgeNode, (load.get(route.edgeNode) ?? 0) + 1);
  const loadOf = (node: NodeRecord) => load.get(node.name) ?? 0;
  return nodes
    .filter((node) => node.role === 'edge' && node.status === 'healthy')
    .sort((a, b) => loadOf(a) - loadOf(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
}
