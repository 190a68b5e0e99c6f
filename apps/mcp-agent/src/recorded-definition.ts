// Which recorded components make up a service's current definition (upserts are additive; leftovers stay).
import type { Component, Service } from '@mcp/registry';

/**
 * The components of the definition recorded last. Every upsert stamps all the components it names with
 * one time; a component a later definition dropped keeps its older stamp (the registry keeps it until purged).
 */
export function currentComponents(service: Service): Component[] {
  const latest = Math.max(...service.components.map((component) => component.updatedAt.getTime()));
  return service.components.filter((component) => component.updatedAt.getTime() === latest);
}

/**
 * Whether a component still counts as defined for purge: it belongs to the current definition of a service
 * that is still active. An inactive service is stopped or undeployed; stopping keeps its containers (so they
 * protect its rows), undeploying removes them, and then its rows are what `mcp purge` is for.
 */
export function isStillDefined(service: Service, component: string): boolean {
  return service.active && currentComponents(service).some((candidate) => candidate.name === component);
}
