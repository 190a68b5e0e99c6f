// Invariants of placeService over generated fleets (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeService } from './place-service.js';
import { permutation, runsVms, scenario, type Scenario } from './testing/arbitraries.js';
import type { NodeSnapshot, PlacementDecision } from './types.js';

function chosenNode(s: Scenario, decision: PlacementDecision): NodeSnapshot {
  if (!decision.ok) throw new Error('expected an accepted decision');
  const node = s.nodes.find((candidate) => candidate.name === decision.node);
  if (node === undefined) throw new Error(`decision names node ${decision.node}, which is not in the fleet`);
  return node;
}

/** What a fresh, unpinned placement would choose, written the obvious way. */
function oracleChoice(s: Scenario): NodeSnapshot | undefined {
  const wantedRole = s.service.tier === 'core' ? 'master' : 'worker';
  const eligible = s.nodes.filter(
    (node) =>
      node.role === wantedRole && node.status === 'healthy' && (runsVms(node, s.allowTcgVms) || !s.service.needsVms),
  );
  // A VM service takes KVM nodes before TCG ones.
  const rank = (node: NodeSnapshot): number => (s.service.needsVms && node.vms !== 'kvm' ? 1 : 0);
  eligible.sort((a, b) => rank(a) - rank(b) || a.containers - b.containers || (a.name < b.name ? -1 : 1));
  return eligible[0];
}

const freshUnpinned = scenario.filter(
  (s) => s.service.node === undefined && !s.placements.some((p) => p.service === s.service.name),
);

describe('placement properties', () => {
  it('gives the same decision for the same input', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(placeService(s)).toEqual(placeService(s));
      }),
    );
  });

  it('gives the same decision whatever the order of nodes and placements', () => {
    const shuffled = scenario.chain((s) =>
      fc.record({ s: fc.constant(s), nodes: permutation(s.nodes), placements: permutation(s.placements) }),
    );
    fc.assert(
      fc.property(shuffled, ({ s, nodes, placements }) => {
        expect(placeService({ nodes, placements, service: s.service, allowTcgVms: s.allowTcgVms })).toEqual(placeService(s));
      }),
      { numRuns: 300 },
    );
  });

  it('never places an unpinned service on an edge or unhealthy node', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const decision = placeService(s);
        if (s.service.node !== undefined || !decision.ok) return;
        const node = chosenNode(s, decision);
        expect(node.role).not.toBe('edge');
        expect(node.status).toBe('healthy');
      }),
    );
  });

  it('places a pinned service only on its pin', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const decision = placeService(s);
        if (s.service.node !== undefined && decision.ok) expect(decision.node).toBe(s.service.node);
      }),
    );
  });

  it('places an unpinned core service on a master node and a worker service on a worker node', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const decision = placeService(s);
        if (s.service.node !== undefined || !decision.ok) return;
        expect(chosenNode(s, decision).role).toBe(s.service.tier === 'core' ? 'master' : 'worker');
      }),
    );
  });

  it('never places a service with a unikernel component on a node that cannot run VMs', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const decision = placeService(s);
        if (s.service.needsVms && decision.ok) expect(runsVms(chosenNode(s, decision), s.allowTcgVms)).toBe(true);
      }),
    );
  });

  it('places a fresh unpinned service on the eligible node with the fewest containers, first by name', () => {
    fc.assert(
      fc.property(freshUnpinned, (s) => {
        const decision = placeService(s);
        const expected = oracleChoice(s);
        expect(decision.ok ? decision.node : undefined).toBe(expected?.name);
      }),
      // Ties are a few percent of cases; more runs make sure the tie-break is exercised.
      { numRuns: 500 },
    );
  });

  it('gives a reason for every node, sorted by name, when a fresh unpinned service cannot be placed', () => {
    fc.assert(
      fc.property(freshUnpinned, (s) => {
        const decision = placeService(s);
        if (decision.ok) return;
        const names = s.nodes.map((node) => node.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(decision.rejected.map((rejection) => rejection.node)).toEqual(names);
        for (const rejection of decision.rejected) expect(rejection.reason).toContain(`node ${rejection.node} `);
      }),
    );
  });
});
