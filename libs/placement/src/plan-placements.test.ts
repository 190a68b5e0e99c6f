// Planning many services in turn: counting, spreading and the resulting placements.
import { describe, expect, it } from 'vitest';
import { seedFleet, serviceToPlace, workerNode } from './testing/index.js';

describe('planning many placements', () => {
  it('spreads services in turn by counting each placement on its node', () => {
    const fleet = seedFleet({ nodes: [workerNode('a'), workerNode('b')] });
    const plan = fleet.plan([serviceToPlace('s1'), serviceToPlace('s2'), serviceToPlace('s3')]);
    expect(plan.decisions.map(({ service, decision }) => [service, decision.ok && decision.node])).toEqual([
      ['s1', 'a'],
      ['s2', 'b'],
      ['s3', 'a'],
    ]);
  });

  it('counts a placement as as many containers as the service has components', () => {
    const fleet = seedFleet({ nodes: [workerNode('a'), workerNode('b', { containers: 2 })] });
    const plan = fleet.plan([serviceToPlace('big', { componentCount: 3 }), serviceToPlace('next')]);
    expect(plan.decisions[1]?.decision).toMatchObject({ ok: true, node: 'b' });
    expect(plan.nodes).toEqual([workerNode('a', { containers: 3 }), workerNode('b', { containers: 3 })]);
  });

  it('does not count a kept placement again, since its containers are already reported', () => {
    const fleet = seedFleet({
      nodes: [workerNode('a', { containers: 2 }), workerNode('b', { containers: 3 })],
      placements: [{ service: 'old', node: 'a' }],
    });
    const plan = fleet.plan([serviceToPlace('old', { componentCount: 2 }), serviceToPlace('new')]);
    expect(plan.decisions.map(({ decision }) => decision.ok && decision.node)).toEqual(['a', 'a']);
    expect(plan.nodes).toEqual([workerNode('a', { containers: 3 }), workerNode('b', { containers: 3 })]);
  });

  it('keeps planning after a service that cannot be placed', () => {
    const fleet = seedFleet({ nodes: [workerNode('a', { vms: 'none' })] });
    const plan = fleet.plan([serviceToPlace('vm', { needsVms: true }), serviceToPlace('web')]);
    expect(plan.decisions.map(({ decision }) => decision.ok)).toEqual([false, true]);
  });

  it('returns the placements after the plan, replacing one whose node left the fleet', () => {
    const fleet = seedFleet({
      nodes: [workerNode('a')],
      placements: [
        { service: 'kept', node: 'a' },
        { service: 'orphan', node: 'gone' },
      ],
    });
    const plan = fleet.plan([serviceToPlace('kept'), serviceToPlace('orphan'), serviceToPlace('new')]);
    expect(plan.placements).toEqual([
      { service: 'kept', node: 'a' },
      { service: 'orphan', node: 'a' },
      { service: 'new', node: 'a' },
    ]);
  });

  it('leaves the input nodes untouched', () => {
    const nodes = [workerNode('a')];
    seedFleet({ nodes }).plan([serviceToPlace('s1', { componentCount: 2 })]);
    expect(nodes).toEqual([workerNode('a')]);
  });
});
