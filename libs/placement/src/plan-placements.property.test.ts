// Invariants of planPlacements over generated fleets (fast-check): balance, accounting, rules, order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planPlacements, type PlanInput } from './plan-placements.js';
import { nodes, permutation, placements, runsVms, service } from './testing/arbitraries.js';
import type { NodeSnapshot, ServiceToPlace } from './types.js';

const planInput: fc.Arbitrary<PlanInput> = nodes().chain((fleet) => {
  const names = fleet.map((node) => node.name);
  return fc.record({
    nodes: fc.constant(fleet),
    placements: placements(names),
    services: fc.uniqueArray(service(names), { selector: (s) => s.name, maxLength: 10 }),
    allowTcgVms: fc.boolean(),
  });
});

/** Every node can run VMs, so all healthy workers are eligible for every unpinned worker service. */
const workerServicesOnFreshFleet = nodes({ vms: fc.constant('kvm' as const) }).chain((fleet) =>
  fc.record({
    nodes: fc.constant(fleet),
    services: fc.uniqueArray(
      service([]).map(({ name, needsVms, componentCount }): ServiceToPlace => ({ name, needsVms, componentCount })),
      { selector: (s) => s.name, maxLength: 40 },
    ),
  }),
);

function spreadAmongHealthyWorkers(fleet: readonly NodeSnapshot[]): number {
  const counts = fleet.filter((n) => n.role === 'worker' && n.status === 'healthy').map((n) => n.containers);
  return counts.length === 0 ? 0 : Math.max(...counts) - Math.min(...counts);
}

const byName = (a: NodeSnapshot, b: NodeSnapshot): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

describe('plan properties', () => {
  it('keeps healthy workers within the largest component count of each other, or no wider than they were', () => {
    fc.assert(
      fc.property(workerServicesOnFreshFleet, ({ nodes: fleet, services }) => {
        const plan = planPlacements({ nodes: fleet, placements: [], services });
        const largest = Math.max(0, ...services.map((s) => s.componentCount));
        expect(spreadAmongHealthyWorkers(plan.nodes)).toBeLessThanOrEqual(
          Math.max(spreadAmongHealthyWorkers(fleet), largest),
        );
      }),
    );
  });

  it('keeps healthy workers within the largest component count of each other when they start empty', () => {
    const emptyFleet = workerServicesOnFreshFleet.map(({ nodes: fleet, services }) => ({
      nodes: fleet.map((node) => ({ ...node, containers: 0 })),
      services,
    }));
    fc.assert(
      fc.property(emptyFleet, ({ nodes: fleet, services }) => {
        const plan = planPlacements({ nodes: fleet, placements: [], services });
        const largest = Math.max(0, ...services.map((s) => s.componentCount));
        expect(spreadAmongHealthyWorkers(plan.nodes)).toBeLessThanOrEqual(largest);
      }),
    );
  });

  it('adds each new placement to its node as the service component count', () => {
    fc.assert(
      fc.property(planInput, (input) => {
        const plan = planPlacements(input);
        const added = new Map<string, number>();
        input.services.forEach((s, i) => {
          const decision = plan.decisions[i]?.decision;
          if (decision?.ok && decision.rule !== 'existing-placement') {
            added.set(decision.node, (added.get(decision.node) ?? 0) + s.componentCount);
          }
        });
        expect(plan.nodes).toEqual(input.nodes.map((n) => ({ ...n, containers: n.containers + (added.get(n.name) ?? 0) })));
      }),
    );
  });

  it('honours pins, tiers, health, edge nodes and VM capability in every decision', () => {
    fc.assert(
      fc.property(planInput, (input) => {
        const plan = planPlacements(input);
        input.services.forEach((s, i) => {
          const decision = plan.decisions[i]?.decision;
          if (!decision?.ok) return;
          const node = input.nodes.find((n) => n.name === decision.node);
          expect(node).toBeDefined();
          if (node === undefined) return;
          if (s.needsVms) expect(runsVms(node, input.allowTcgVms ?? false)).toBe(true);
          if (s.node !== undefined) {
            expect(node.name).toBe(s.node);
            return;
          }
          expect(node.status).toBe('healthy');
          expect(node.role).toBe(s.tier === 'core' ? 'master' : 'worker');
        });
      }),
    );
  });

  it('gives the same plan whatever the order of nodes and placements', () => {
    const shuffled = planInput.chain((input) =>
      fc.record({
        input: fc.constant(input),
        nodes: permutation(input.nodes),
        placements: permutation(input.placements),
      }),
    );
    fc.assert(
      fc.property(shuffled, ({ input, nodes: reordered, placements: reorderedPlacements }) => {
        const original = planPlacements(input);
        const other = planPlacements({ ...input, nodes: reordered, placements: reorderedPlacements });
        expect(other.decisions).toEqual(original.decisions);
        expect([...other.nodes].sort(byName)).toEqual([...original.nodes].sort(byName));
        const key = (p: { service: string }): string => p.service;
        expect(new Map(other.placements.map((p) => [key(p), p.node]))).toEqual(
          new Map(original.placements.map((p) => [key(p), p.node])),
        );
      }),
      { numRuns: 300 },
    );
  });
});
