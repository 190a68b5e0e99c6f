// Test builders and a harness, as in Nomad's scheduler tests: seed nodes, place, assert on the decision.
import { placeService } from '../place-service.js';
import { planPlacements, type PlacementPlan } from '../plan-placements.js';
import type { NodeSnapshot, Placement, PlacementDecision, ServiceToPlace } from '../types.js';

type NodeOverrides = Partial<Omit<NodeSnapshot, 'name' | 'role'>>;

/** A healthy node with no containers that runs VMs with KVM, unless overridden. */
function node(name: string, role: NodeSnapshot['role'], overrides: NodeOverrides): NodeSnapshot {
  return { name, role, status: 'healthy', containers: 0, vms: 'kvm', ...overrides };
}

export function masterNode(name: string, overrides: NodeOverrides = {}): NodeSnapshot {
  return node(name, 'master', overrides);
}

export function workerNode(name: string, overrides: NodeOverrides = {}): NodeSnapshot {
  return node(name, 'worker', overrides);
}

export function edgeNode(name: string, overrides: NodeOverrides = {}): NodeSnapshot {
  return node(name, 'edge', overrides);
}

/** A worker-tier service of one container component, unless overridden. */
export function serviceToPlace(name: string, overrides: Partial<Omit<ServiceToPlace, 'name'>> = {}): ServiceToPlace {
  return { name, needsVms: false, componentCount: 1, ...overrides };
}

export interface SeededFleet {
  place(service: ServiceToPlace): PlacementDecision;
  plan(services: readonly ServiceToPlace[]): PlacementPlan;
}

export function seedFleet(seed: { nodes: readonly NodeSnapshot[]; placements?: readonly Placement[]; allowTcgVms?: boolean }): SeededFleet {
  const placements = seed.placements ?? [];
  const policy = seed.allowTcgVms === undefined ? {} : { allowTcgVms: seed.allowTcgVms };
  return {
    place: (service) => placeService({ nodes: seed.nodes, placements, service, ...policy }),
    plan: (services) => planPlacements({ nodes: seed.nodes, placements, services, ...policy }),
  };
}
