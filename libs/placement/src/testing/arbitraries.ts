// fast-check generators of fleets and services for the property tests (test-only: not exported).
import fc from 'fast-check';
import type { NodeSnapshot, Placement, ServiceToPlace, VmSupport } from '../types.js';

// Short names and small counts make ties, name-order edge cases and collisions likely.
export const nodeName = fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/);
const serviceName = fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/);

export function nodeSnapshot(options: { vms?: fc.Arbitrary<VmSupport> } = {}): fc.Arbitrary<NodeSnapshot> {
  return fc.record({
    name: nodeName,
    role: fc.constantFrom('master', 'worker', 'worker', 'worker', 'edge'),
    status: fc.constantFrom('healthy', 'healthy', 'healthy', 'unhealthy', 'unknown'),
    containers: fc.integer({ min: 0, max: 4 }),
    vms: options.vms ?? fc.constantFrom<VmSupport>('kvm', 'tcg', 'none'),
  });
}

export function nodes(options: { vms?: fc.Arbitrary<VmSupport> } = {}): fc.Arbitrary<NodeSnapshot[]> {
  return fc.uniqueArray(nodeSnapshot(options), { selector: (node) => node.name, maxLength: 12 });
}

/** A service that may be pinned (to a known node or not), core or worker tier, with or without VMs. */
export function service(nodeNames: readonly string[], name = serviceName): fc.Arbitrary<ServiceToPlace> {
  const pin = nodeNames.length > 0 ? fc.oneof(fc.constantFrom(...nodeNames), nodeName) : nodeName;
  return fc.record(
    {
      name,
      tier: fc.constantFrom('core' as const, 'worker' as const),
      node: pin,
      needsVms: fc.boolean(),
      componentCount: fc.integer({ min: 1, max: 4 }),
    },
    { requiredKeys: ['name', 'needsVms', 'componentCount'] },
  );
}

/** Existing placements, one per service, on known nodes or on nodes that have left the fleet. */
export function placements(nodeNames: readonly string[]): fc.Arbitrary<Placement[]> {
  const node = nodeNames.length > 0 ? fc.oneof(fc.constantFrom(...nodeNames), nodeName) : nodeName;
  return fc.uniqueArray(fc.record({ service: serviceName, node }), {
    selector: (placement) => placement.service,
    maxLength: 6,
  });
}

export interface Scenario {
  nodes: NodeSnapshot[];
  placements: Placement[];
  service: ServiceToPlace;
  allowTcgVms: boolean;
}

export const scenario: fc.Arbitrary<Scenario> = nodes().chain((fleet) => {
  const names = fleet.map((node) => node.name);
  return fc.record({ nodes: fc.constant(fleet), placements: placements(names), service: service(names), allowTcgVms: fc.boolean() });
});

/** The same elements in another order. */
/** Whether the node may take a service's unikernel components under the policy. */
export function runsVms(node: NodeSnapshot, allowTcgVms: boolean): boolean {
  return node.vms === 'kvm' || (node.vms === 'tcg' && allowTcgVms);
}

export function permutation<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}
