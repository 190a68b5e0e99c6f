// Unpinned worker-tier services: fewest containers, ties by name, ineligible nodes and their reasons.
import { describe, expect, it } from 'vitest';
import { edgeNode, masterNode, seedFleet, serviceToPlace, workerNode } from './testing/index.js';

describe('worker-tier placement', () => {
  it('prefers the worker with the fewest containers', () => {
    const fleet = seedFleet({ nodes: [workerNode('a', { containers: 5 }), workerNode('b', { containers: 2 })] });
    expect(fleet.place(serviceToPlace('mcq'))).toMatchObject({ ok: true, node: 'b', rule: 'worker-tier' });
  });

  it('breaks a tie in container count by node name', () => {
    const fleet = seedFleet({ nodes: [workerNode('zeta', { containers: 1 }), workerNode('alpha', { containers: 1 })] });
    expect(fleet.place(serviceToPlace('mcq'))).toMatchObject({ ok: true, node: 'alpha' });
  });

  it('says in the reason how many workers tied', () => {
    const fleet = seedFleet({ nodes: [workerNode('b'), workerNode('a'), workerNode('c', { containers: 1 })] });
    const decision = fleet.place(serviceToPlace('mcq'));
    expect(decision).toMatchObject({ ok: true, node: 'a' });
    expect(decision.reason).toBe(
      'node a is the eligible worker with the fewest containers (0); 2 workers tie, and the first by name wins',
    );
  });

  it('treats a service without a tier as worker tier', () => {
    const fleet = seedFleet({ nodes: [masterNode('m'), workerNode('w', { containers: 9 })] });
    expect(fleet.place(serviceToPlace('mcq'))).toMatchObject({ ok: true, node: 'w' });
  });

  it('never places on an edge node', () => {
    const fleet = seedFleet({ nodes: [edgeNode('edge'), workerNode('w', { containers: 9 })] });
    expect(fleet.place(serviceToPlace('mcq', { tier: 'worker' }))).toMatchObject({ ok: true, node: 'w' });
  });

  it('never places an unpinned worker service on the master node', () => {
    const fleet = seedFleet({ nodes: [masterNode('m')] });
    expect(fleet.place(serviceToPlace('mcq'))).toEqual({
      ok: false,
      reason:
        'no worker node is registered, so worker-tier service mcq has nowhere to run; ' +
        'register a worker, or set `node` or `tier = "core"` in mcq.toml',
      rejected: [{ node: 'm', reason: 'node m is the master node; it takes only core-tier services and services pinned to it' }],
    });
  });

  it('skips an unhealthy worker', () => {
    const fleet = seedFleet({ nodes: [workerNode('a', { status: 'unhealthy' }), workerNode('b', { containers: 7 })] });
    expect(fleet.place(serviceToPlace('mcq'))).toMatchObject({ ok: true, node: 'b' });
  });

  it('skips a worker whose health is not known yet', () => {
    const fleet = seedFleet({ nodes: [workerNode('a', { status: 'unknown' }), workerNode('b', { containers: 7 })] });
    expect(fleet.place(serviceToPlace('mcq'))).toMatchObject({ ok: true, node: 'b' });
  });

  it('skips a worker that cannot run VMs for a service with a unikernel component', () => {
    const fleet = seedFleet({ nodes: [workerNode('a', { vms: 'none' }), workerNode('b', { containers: 7 })] });
    expect(fleet.place(serviceToPlace('vm', { needsVms: true }))).toMatchObject({ ok: true, node: 'b' });
  });

  it('uses a worker that cannot run VMs for a service of containers only', () => {
    const fleet = seedFleet({ nodes: [workerNode('a', { vms: 'none' }), workerNode('b', { containers: 7 })] });
    expect(fleet.place(serviceToPlace('mcq'))).toMatchObject({ ok: true, node: 'a' });
  });

  it('refuses with the reason per node, sorted by node name, when no worker can take the service', () => {
    const fleet = seedFleet({
      nodes: [
        workerNode('orion', { status: 'unhealthy', vms: 'none' }),
        edgeNode('edge'),
        workerNode('lyra', { vms: 'none' }),
        masterNode('hub'),
      ],
    });
    expect(fleet.place(serviceToPlace('vm', { needsVms: true }))).toEqual({
      ok: false,
      reason:
        'no healthy worker node that can run VMs (it has a unikernel component) can take service vm; ' +
        'see the reason per node',
      rejected: [
        { node: 'edge', reason: 'node edge is an edge node; edge nodes take no placements' },
        { node: 'hub', reason: 'node hub is the master node; it takes only core-tier services and services pinned to it' },
        { node: 'lyra', reason: 'node lyra cannot run VMs, and service vm has a unikernel component' },
        {
          node: 'orion',
          reason: 'node orion is unhealthy; node orion cannot run VMs, and service vm has a unikernel component',
        },
      ],
    });
  });

  it('refuses when no nodes are registered', () => {
    expect(seedFleet({ nodes: [] }).place(serviceToPlace('mcq'))).toEqual({
      ok: false,
      reason: 'no nodes are registered with the master, so service mcq has nowhere to run',
      rejected: [],
    });
  });
});
