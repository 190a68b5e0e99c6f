// Purge (SPEC failure 6): finds and deletes registry rows whose component is both gone and no longer defined.
import { and, eq } from 'drizzle-orm';
import { components, services } from './schema.js';
import type { Store } from './store.js';
import type { ComponentRef } from './types.js';

export interface PurgeInput {
  /** Components the runtimes show right now (containers and VMs bearing this node's label). */
  readonly observed: Iterable<ComponentRef>;
  /** Components the current definitions declare. A service is defined when any of its components is. */
  readonly defined: Iterable<ComponentRef>;
  /** Limit to one service, or one component of it. */
  readonly scope?: { readonly service: string; readonly component?: string };
}

export interface PurgeCandidates {
  /** Component rows that are gone and undefined. */
  readonly components: readonly ComponentRef[];
  /** Services that are undefined and would be left with no component at all. */
  readonly services: readonly string[];
}

export function listPurgeCandidates(store: Store, input: PurgeInput): PurgeCandidates {
  const observed = refSet(input.observed);
  const definedRefs = [...input.defined];
  const defined = refSet(definedRefs);
  const definedServices = new Set(definedRefs.map((ref) => ref.service));
  const scope = input.scope;
  const inScope = (ref: ComponentRef): boolean =>
    scope === undefined ||
    (ref.service === scope.service &&
      (scope.component === undefined || ref.component === scope.component));

  const rows = store.db
    .select({ service: components.service, component: components.name })
    .from(components)
    .orderBy(components.service, components.position)
    .all();
  const candidates = rows.filter(
    (ref) => inScope(ref) && !observed.has(refKey(ref)) && !defined.has(refKey(ref)),
  );
  const candidateKeys = refSet(candidates);
  const serviceNames = store.db
    .select({ name: services.name })
    .from(services)
    .orderBy(services.name)
    .all()
    .map((row) => row.name);
  const emptied = serviceNames.filter(
    (name) =>
      !definedServices.has(name) &&
      (scope === undefined || (scope.service === name && scope.component === undefined)) &&
      rows.every((row) => row.service !== name || candidateKeys.has(refKey(row))),
  );
  return { components: candidates, services: emptied };
}

/**
 * Works out the candidates and deletes them in one transaction (cascading to routes, which
 * frees their host ports, and to alert state); returns what it deleted.
 */
export function purge(store: Store, input: PurgeInput): PurgeCandidates {
  return store.inWriteTransaction(() => {
    const candidates = listPurgeCandidates(store, input);
    for (const ref of candidates.components) {
      store.db
        .delete(components)
        .where(and(eq(components.service, ref.service), eq(components.name, ref.component)))
        .run();
    }
    for (const name of candidates.services) {
      store.db.delete(services).where(eq(services.name, name)).run();
    }
    return candidates;
  });
}

function refKey(ref: ComponentRef): string {
  return `${ref.service}/${ref.component}`;
}

function refSet(refs: Iterable<ComponentRef>): Set<string> {
  return new Set([...refs].map(refKey));
}
