// Decides each route's host port inside a write: explicit, else kept from before, else freshly allocated.
import { publishedHostPorts } from '@mcp/servicedef';
import { isNotNull } from 'drizzle-orm';
import { ConflictError, PortsExhaustedError } from './errors.js';
import { createPortPicker } from './port-picker.js';
import { components, routes } from './schema.js';
import type { PortPolicy, Store } from './store.js';
import type { RouteSpec } from './types.js';

/**
 * A route's identity within its component, which decides whether it keeps its host port
 * across a redeploy (SPEC failure 2): its name when it has one, else its listener and hostname.
 */
export function routeIdentity(route: {
  readonly name: string;
  readonly port: number;
  readonly hostname?: string | null | undefined;
}): string {
  return route.name !== '' ? `name:${route.name}` : `listener:${route.port}|${route.hostname ?? ''}`;
}

export interface RoutesToPlace {
  readonly component: string;
  readonly routes: readonly RouteSpec[];
  /** Host ports this component's routes held before, by `routeIdentity`. */
  readonly previous: ReadonlyMap<string, number>;
}

/**
 * Host port for every route of `placing`, in the same shape. Must run inside the write that
 * has already removed the old route rows of these components, so only others' ports count
 * as recorded.
 */
export function assignHostPorts(
  store: Store,
  policy: PortPolicy,
  service: string,
  placing: readonly RoutesToPlace[],
): number[][] {
  const recorded = new Set(
    store.db
      .select({ hostPort: routes.hostPort })
      .from(routes)
      .where(isNotNull(routes.hostPort))
      .all()
      .map((row) => row.hostPort as number),
  );
  const claimed = new Map<number, string>();
  const claim = (port: number, component: string, route: RouteSpec, why: string): number => {
    const holder = recorded.has(port) ? 'another route in the registry' : claimed.get(port);
    if (holder !== undefined) {
      throw new ConflictError(
        `host port ${port} (${why}) of route "${routeLabel(route)}" of ${service}/${component} is already recorded for ${holder}`,
        { service, component, route: routeLabel(route), hostPort: port, problem: 'host port taken' },
      );
    }
    claimed.set(port, `${service}/${component} route "${routeLabel(route)}"`);
    return port;
  };

  // Pass 1: explicit and kept ports, so a fresh allocation can never take one of them.
  const chosen = placing.map((entry) =>
    entry.routes.map((route) => {
      if (route.hostPort !== undefined) {
        return claim(route.hostPort, entry.component, route, 'asked for explicitly');
      }
      const kept = entry.previous.get(routeIdentity(route));
      return kept === undefined ? undefined : claim(kept, entry.component, route, 'kept from before');
    }),
  );

  // Pass 2: fresh ports, skipping recorded, claimed and explicitly published ones.
  const taken = new Set([...recorded, ...claimed.keys(), ...publishedPorts(store)]);
  const pick = createPortPicker(policy.range, taken, policy.isPortFree);
  return chosen.map((ports, index) => {
    const entry = placing[index] as RoutesToPlace;
    return ports.map((port) => {
      if (port !== undefined) return port;
      const fresh = pick();
      if (fresh === undefined) {
        throw new PortsExhaustedError(
          `no free host port left in ${policy.range.first}–${policy.range.last} for a route of ${service}/${entry.component}: every port is recorded or busy`,
          { service, component: entry.component, ...policy.range },
        );
      }
      return fresh;
    });
  });
}

function publishedPorts(store: Store): number[] {
  return store.db
    .select({ ports: components.ports })
    .from(components)
    .all()
    .flatMap((row) => row.ports.flatMap(publishedHostPorts));
}

/** A route as messages name it: its name, else `:<listener port>`. */
export function routeLabel(route: { readonly name: string; readonly port: number }): string {
  return route.name !== '' ? route.name : `:${route.port}`;
}
