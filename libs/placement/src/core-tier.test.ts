// Core-tier services: on the master node, or refused with the reason.
import { describe, expect, it } from 'vitest';
import { edgeNode, masterNode, seedFleet, serviceToPlace, workerNode } from './testing/index.js';

describe('core-tier placement', () => {
  it('places a core service on the master node even when workers are emptier', () => {
    const fleet = seedFleet({ nodes: [masterNode('hub', { containers: 20 }), workerNode('w')] });
    expect(fleet.place(serviceToPlace('mcias', { tier: 'core' }))).toEqual({
      ok: true,
      node: 'hub',
      rule: 'core-tier',
      reason: 'service mcias is core tier and runs on the master node hub',
    });
  });

  it('refuses a core service when no master node is registered', () => {
    const fleet = seedFleet({ nodes: [workerNode('w'), edgeNode('e')] });
    expect(fleet.place(serviceToPlace('mcias', { tier: 'core' }))).toEqual({
      ok: false,
      reason: 'service mcias is core tier, but no master node is registered',
      rejected: [
        { node: 'e', reason: 'node e is an edge node; edge nodes take no placements' },
        { node: 'w', reason: 'node w is a worker node; core-tier services run on the master node' },
      ],
    });
  });

  it('refuses a core service when the master node is unhealthy', () => {
    const fleet = seedFleet({ nodes: [masterNode('hub', { status: 'unhealthy' })] });
    expect(fleet.place(serviceToPlace('mcias', { tier: 'core' }))).toEqual({
      ok: false,
      reason: 'the master node cannot take core-tier service mcias; see the reason per node',
      rejected: [{ node: 'hub', reason: 'node hub is unhealthy' }],
    });
  });

  it('refuses a core service with a unikernel component when the master node cannot run VMs', () => {
    const fleet = seedFleet({ nodes: [masterNode('hub', { vms: 'none' })] });
    expect(fleet.place(serviceToPlace('vm', { tier: 'core', needsVms: true }))).toMatchObject({
      ok: false,
      rejected: [{ node: 'hub', reason: 'node hub cannot run VMs, and service vm has a unikernel component' }],
    });
  });

  it('picks the healthy master with the fewest containers when more than one master is registered', () => {
    const fleet = seedFleet({
      nodes: [masterNode('m1', { containers: 4 }), masterNode('m2', { containers: 1 }), masterNode('m0', { status: 'unhealthy' })],
    });
    expect(fleet.place(serviceToPlace('mcias', { tier: 'core' }))).toMatchObject({ ok: true, node: 'm2' });
  });
});
