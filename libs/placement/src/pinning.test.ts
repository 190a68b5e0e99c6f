// Pinned services: exactly their node, or a clear refusal (unknown, edge, unhealthy, no VMs).
import { describe, expect, it } from 'vitest';
import { edgeNode, masterNode, seedFleet, serviceToPlace, workerNode } from './testing/index.js';

describe('pinned placement', () => {
  it('places a pinned service on its node even when another is emptier', () => {
    const fleet = seedFleet({ nodes: [workerNode('busy', { containers: 30 }), workerNode('idle')] });
    expect(fleet.place(serviceToPlace('mcq', { node: 'busy' }))).toEqual({
      ok: true,
      node: 'busy',
      rule: 'pin',
      reason: 'service mcq is pinned to node busy',
    });
  });

  it('lets a pin override the core tier', () => {
    const fleet = seedFleet({ nodes: [masterNode('hub'), workerNode('w')] });
    expect(fleet.place(serviceToPlace('mcq', { tier: 'core', node: 'w' }))).toMatchObject({ ok: true, node: 'w' });
  });

  it('lets a worker-tier service be pinned to the master node', () => {
    const fleet = seedFleet({ nodes: [masterNode('hub'), workerNode('w')] });
    expect(fleet.place(serviceToPlace('mcq', { node: 'hub' }))).toMatchObject({ ok: true, node: 'hub' });
  });

  it('refuses a pin to a node that is not registered', () => {
    const fleet = seedFleet({ nodes: [workerNode('w')] });
    expect(fleet.place(serviceToPlace('mcq', { node: 'ghost' }))).toEqual({
      ok: false,
      reason:
        'service mcq is pinned to node ghost, which is not registered with the master; ' +
        'check the `node` key of mcq.toml or start the agent on ghost',
      rejected: [{ node: 'ghost', reason: 'node ghost is not registered with the master' }],
    });
  });

  it('refuses a pin to an edge node', () => {
    const fleet = seedFleet({ nodes: [edgeNode('edge')] });
    expect(fleet.place(serviceToPlace('mcq', { node: 'edge' }))).toEqual({
      ok: false,
      reason: 'service mcq is pinned to node edge, which cannot take it: node edge is an edge node; edge nodes take no placements',
      rejected: [{ node: 'edge', reason: 'node edge is an edge node; edge nodes take no placements' }],
    });
  });

  it('refuses a pin to an unhealthy node rather than deploying to a dead one', () => {
    const fleet = seedFleet({ nodes: [workerNode('orion', { status: 'unhealthy' })] });
    expect(fleet.place(serviceToPlace('mcq', { node: 'orion' }))).toEqual({
      ok: false,
      reason: 'service mcq is pinned to node orion, which cannot take it: node orion is unhealthy',
      rejected: [{ node: 'orion', reason: 'node orion is unhealthy' }],
    });
  });

  it('refuses a pin to a node whose health is not known yet', () => {
    const fleet = seedFleet({ nodes: [workerNode('orion', { status: 'unknown' })] });
    expect(fleet.place(serviceToPlace('mcq', { node: 'orion' }))).toMatchObject({
      ok: false,
      rejected: [{ node: 'orion', reason: 'node orion has not reported its health yet' }],
    });
  });

  it('refuses a pin to a node that cannot run the service VMs', () => {
    const fleet = seedFleet({ nodes: [workerNode('w', { vms: 'none' })] });
    expect(fleet.place(serviceToPlace('vm', { node: 'w', needsVms: true }))).toMatchObject({
      ok: false,
      rejected: [{ node: 'w', reason: 'node w cannot run VMs, and service vm has a unikernel component' }],
    });
  });
});
