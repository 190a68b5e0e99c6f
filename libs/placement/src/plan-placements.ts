// Places many services in turn, counting each new placement on its node so later ones spread out.
import { PlacementInputError } from './errors.js';
import { indexFleet } from './fleet.js';
import { decidePlacement } from './place-service.js';
import type { NodeSnapshot, Placement, PlacementDecision, PlacementPolicy, ServiceToPlace } from './types.js';
import { validateService } from './validate-input.js';

export interface PlanInput extends PlacementPolicy {
  readonly nodes: readonly NodeSnapshot[];
  readonly placements: readonly Placement[];
  /** Placed in this order; sort them (by name, say) for a plan that does not depend on file order. */
  readonly services: readonly ServiceToPlace[];
}

export interface PlannedPlacement {
  readonly service: string;
  readonly decision: PlacementDecision;
}

export interface PlacementPlan {
  /** One decision per service, in the order given. */
  readonly decisions: readonly PlannedPlacement[];
  /** The nodes as they would be: each new placement adds the service's component count. */
  readonly nodes: readonly NodeSnapshot[];
  /**
   * The placements after the plan: those given, then the new ones in the order they were made. A
   * given placement on a node that has left the fleet is replaced when its service is placed afresh.
   */
  readonly placements: readonly Placement[];
}

export function planPlacements(input: PlanInput): PlacementPlan {
  const fleet = indexFleet(input.nodes, input.placements, input);
  const seen = new Set<string>();
  input.services.forEach((service, i) => {
    validateService(service, `services[${i}]`);
    if (seen.has(service.name)) {
      throw new PlacementInputError(`services[${i}].name`, `service "${service.name}" appears more than once`);
    }
    seen.add(service.name);
  });

  const added: Placement[] = [];
  const decisions = input.services.map((service): PlannedPlacement => {
    const decision = decidePlacement(fleet, service);
    // A kept placement's containers are already in the node's reported count.
    if (decision.ok && decision.rule !== 'existing-placement') {
      const index = fleet.nodeIndexByName.get(decision.node);
      const node = index === undefined ? undefined : fleet.nodes[index];
      if (index !== undefined && node !== undefined) {
        fleet.nodes[index] = { ...node, containers: node.containers + service.componentCount };
      }
      fleet.nodeOfService.set(service.name, decision.node);
      added.push({ service: service.name, node: decision.node });
    }
    return { service: service.name, decision };
  });
  const replaced = new Set(added.map((placement) => placement.service));
  const placements = [...input.placements.filter((placement) => !replaced.has(placement.service)), ...added];
  return { decisions, nodes: fleet.nodes, placements };
}
