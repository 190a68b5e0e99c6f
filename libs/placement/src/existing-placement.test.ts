// Already-placed services: kept where they run, never moved by deploy.
import { describe, expect, it } from 'vitest';
import { masterNode, seedFleet, serviceToPlace, workerNode } from './testing/index.js';

describe('an already-placed service', () => {
  it('stays on its node when that node can still take it, even if another is emptier', () => {
    const fleet = seedFleet({
      nodes: [workerNode('busy', { containers: 10 }), workerNode('idle')],
      placements: [{ service: 'mcq', node: 'busy' }],
    });
    expect(fleet.place(serviceToPlace('mcq'))).toEqual({
      ok: true,
      node: 'busy',
      rule: 'existing-placement',
      reason: 'service mcq is already placed on node busy, which can still take it',
    });
  });

  it('is refused, not moved, when its node is unhealthy', () => {
    const fleet = seedFleet({
      nodes: [workerNode('orion', { status: 'unhealthy' }), workerNode('lyra')],
      placements: [{ service: 'mcq', node: 'orion' }],
    });
    expect(fleet.place(serviceToPlace('mcq'))).toEqual({
      ok: false,
      reason:
        'service mcq is placed on node orion, which cannot take it now: node orion is unhealthy. ' +
        'Deploy does not move a placed service, because its data under /srv/mcq/ stays on node orion; ' +
        'deploy again once node orion is healthy, or run `mcp migrate mcq --to <node>` to move it with its data',
      rejected: [{ node: 'orion', reason: 'node orion is unhealthy' }],
    });
  });

  it('is refused, not moved, when it gains a unikernel component its node cannot run', () => {
    const fleet = seedFleet({
      nodes: [workerNode('w1', { vms: 'none' }), workerNode('w2')],
      placements: [{ service: 'mcq', node: 'w1' }],
    });
    const decision = fleet.place(serviceToPlace('mcq', { needsVms: true }));
    expect(decision).toMatchObject({
      ok: false,
      rejected: [{ node: 'w1', reason: 'node w1 cannot run VMs, and service mcq has a unikernel component' }],
    });
    expect(decision.reason).toContain('run `mcp migrate mcq --to <node>`');
    expect(decision.reason).not.toContain('healthy');
  });

  it('is refused with a migrate hint when its pin now names another node', () => {
    const fleet = seedFleet({
      nodes: [workerNode('w1'), workerNode('w2')],
      placements: [{ service: 'mcq', node: 'w1' }],
    });
    expect(fleet.place(serviceToPlace('mcq', { node: 'w2' }))).toEqual({
      ok: false,
      reason:
        'service mcq is placed on node w1, but its definition now pins it to node w2. ' +
        'Deploy does not move a placed service, because its data under /srv/mcq/ stays on node w1; ' +
        'run `mcp migrate mcq --to w2` to move it with its data',
      rejected: [{ node: 'w1', reason: 'node w1 is not node w2, the node service mcq is pinned to' }],
    });
  });

  it('is refused with an undeploy-then-deploy hint when a core service sits on a worker', () => {
    const fleet = seedFleet({
      nodes: [masterNode('hub'), workerNode('w1')],
      placements: [{ service: 'mcias', node: 'w1' }],
    });
    const decision = fleet.place(serviceToPlace('mcias', { tier: 'core' }));
    expect(decision).toMatchObject({ ok: false });
    expect(decision.reason).toContain('run `mcp undeploy mcias` then `mcp deploy mcias` to place it afresh');
  });

  it('stays on the node it is pinned to', () => {
    const fleet = seedFleet({
      nodes: [workerNode('w1', { containers: 3 }), workerNode('w2')],
      placements: [{ service: 'mcq', node: 'w1' }],
    });
    expect(fleet.place(serviceToPlace('mcq', { node: 'w1' }))).toMatchObject({
      ok: true,
      node: 'w1',
      rule: 'existing-placement',
    });
  });

  it('is placed afresh when its node has left the fleet', () => {
    const fleet = seedFleet({
      nodes: [workerNode('w2', { containers: 4 }), workerNode('w3')],
      placements: [{ service: 'mcq', node: 'gone' }],
    });
    expect(fleet.place(serviceToPlace('mcq'))).toMatchObject({ ok: true, node: 'w3', rule: 'worker-tier' });
  });

  it('does not hold back other services from its node', () => {
    const fleet = seedFleet({
      nodes: [workerNode('w1'), workerNode('w2', { containers: 1 })],
      placements: [{ service: 'other', node: 'w1' }],
    });
    expect(fleet.place(serviceToPlace('mcq'))).toMatchObject({ ok: true, node: 'w1' });
  });
});
