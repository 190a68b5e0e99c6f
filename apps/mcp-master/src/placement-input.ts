// The master's records and service definitions as @mcp/placement's domain types (its snapshot of the fleet).
import type { NodeSnapshot, Placement, ServiceToPlace } from '@mcp/placement';
import type { ServiceDefinition } from '@mcp/servicedef';
import type { NodeRecord, PlacementRecord } from './deps.js';

export function nodeSnapshotOf(node: NodeRecord): NodeSnapshot {
  return { name: node.name, role: node.role, status: node.status, containers: node.containers, vms: node.vms };
}

export function placementOf(record: PlacementRecord): Placement {
  return { service: record.service, node: record.node };
}

/** Placement is per service: a deploy of one component still places (or keeps) the whole service. */
export function serviceToPlaceOf(definition: ServiceDefinition): ServiceToPlace {
  return {
    name: definition.name,
    ...(definition.tier === undefined ? {} : { tier: definition.tier }),
    ...(definition.node === undefined ? {} : { node: definition.node }),
    needsVms: definition.components.some((component) => component.runtime === 'unikernel'),
    componentCount: definition.components.length,
  };
}
