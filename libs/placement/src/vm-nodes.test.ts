// Unikernel services: KVM nodes first, TCG-only nodes only when the master's policy allows them.
import { describe, expect, it } from 'vitest';
import { masterNode, seedFleet, serviceToPlace, workerNode } from './testing/index.js';

const vm = serviceToPlace('vm', { needsVms: true });

describe('placing a service with a unikernel component', () => {
  it('refuses a TCG-only worker unless TCG is allowed, saying which setting allows it', () => {
    const fleet = seedFleet({ nodes: [workerNode('w', { vms: 'tcg' })] });
    expect(fleet.place(vm)).toEqual({
      ok: false,
      reason: 'no healthy worker node that can run VMs (it has a unikernel component) can take service vm; see the reason per node',
      rejected: [
        {
          node: 'w',
          reason:
            'node w runs VMs under TCG only (no KVM), which the master allows only with [placement] allow_tcg_vms = true, ' +
            'and service vm has a unikernel component',
        },
      ],
    });
  });

  it('places it on a TCG-only worker when TCG is allowed, and says so', () => {
    const fleet = seedFleet({ nodes: [workerNode('w', { vms: 'tcg' })], allowTcgVms: true });
    expect(fleet.place(vm)).toEqual({
      ok: true,
      node: 'w',
      rule: 'worker-tier',
      reason: 'node w is the eligible worker with the fewest containers (0) (no worker with KVM can take it; this one runs VMs under TCG)',
    });
  });

  it('prefers a KVM worker to an emptier TCG-only one', () => {
    const fleet = seedFleet({ nodes: [workerNode('a', { vms: 'tcg' }), workerNode('b', { vms: 'kvm', containers: 9 })], allowTcgVms: true });
    expect(fleet.place(vm)).toMatchObject({ ok: true, node: 'b', reason: expect.stringContaining('among those with KVM') });
  });

  it('places a service of containers only by container count, whatever the VM support', () => {
    const fleet = seedFleet({ nodes: [workerNode('a', { vms: 'tcg' }), workerNode('b', { vms: 'kvm', containers: 9 })], allowTcgVms: true });
    expect(fleet.place(serviceToPlace('mcq'))).toMatchObject({ ok: true, node: 'a' });
  });

  it('takes a TCG-only node it is pinned to only when TCG is allowed', () => {
    const nodes = [workerNode('w', { vms: 'tcg' })];
    expect(seedFleet({ nodes }).place(serviceToPlace('vm', { needsVms: true, node: 'w' }))).toMatchObject({ ok: false });
    expect(seedFleet({ nodes, allowTcgVms: true }).place(serviceToPlace('vm', { needsVms: true, node: 'w' }))).toMatchObject({ ok: true, node: 'w', rule: 'pin' });
  });

  it('keeps a VM service on its TCG-only core node when TCG is allowed', () => {
    const fleet = seedFleet({ nodes: [masterNode('hub', { vms: 'tcg' })], placements: [{ service: 'vm', node: 'hub' }], allowTcgVms: true });
    expect(fleet.place(serviceToPlace('vm', { needsVms: true, tier: 'core' }))).toMatchObject({ ok: true, node: 'hub', rule: 'existing-placement' });
  });
});
