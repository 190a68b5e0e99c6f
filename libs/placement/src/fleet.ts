// Indexes a validated snapshot of nodes and placements so each decision looks things up by name.
import { PlacementInputError } from './errors.js';
import type { NodeSnapshot, Placement, PlacementPolicy } from './types.js';
import { validateNode, validatePlacement } from './validate-input.js';

/** Owned copies: planPlacements updates them as it places services in turn. */
export interface Fleet {
  readonly nodes: NodeSnapshot[];
  readonly nodeIndexByName: Map<string, number>;
  readonly nodeOfService: Map<string, string>;
  readonly allowTcgVms: boolean;
}

export function indexFleet(nodes: readonly NodeSnapshot[], placements: readonly Placement[], policy: PlacementPolicy = {}): Fleet {
  if (policy.allowTcgVms !== undefined && typeof policy.allowTcgVms !== 'boolean') {
    throw new PlacementInputError('allowTcgVms', `expected true or false, got ${JSON.stringify(policy.allowTcgVms)}`);
  }
  const fleet: Fleet = { nodes: [], nodeIndexByName: new Map(), nodeOfService: new Map(), allowTcgVms: policy.allowTcgVms ?? false };
  nodes.forEach((node, i) => {
    validateNode(node, `nodes[${i}]`);
    // Two rows for one name would make the outcome depend on their order.
    if (fleet.nodeIndexByName.has(node.name)) {
      throw new PlacementInputError(`nodes[${i}].name`, `node "${node.name}" appears more than once`);
    }
    fleet.nodeIndexByName.set(node.name, fleet.nodes.length);
    fleet.nodes.push(node);
  });
  placements.forEach((placement, i) => {
    validatePlacement(placement, `placements[${i}]`);
    if (fleet.nodeOfService.has(placement.service)) {
      throw new PlacementInputError(
        `placements[${i}].service`,
        `service "${placement.service}" is placed more than once; a service runs on one node`,
      );
    }
    fleet.nodeOfService.set(placement.service, placement.node);
  });
  return fleet;
}

export function findNode(fleet: Fleet, name: string): NodeSnapshot | undefined {
  const index = fleet.nodeIndexByName.get(name);
  return index === undefined ? undefined : fleet.nodes[index];
}
