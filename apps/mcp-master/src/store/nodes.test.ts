import { afterEach, describe, expect, it } from 'vitest';
import { UnknownNodeError } from './errors.js';
import { openTempMasterStore, sampleNode, type TempMasterStore } from './testing.js';

describe('the store’s nodes', () => {
  let temp: TempMasterStore | undefined;
  afterEach(() => temp?.cleanup());

  it('round-trips every field of a node, absent times staying absent', () => {
    temp = openTempMasterStore();
    const full = sampleNode({
      name: 'rift',
      role: 'master',
      address: '[fd00::1]:9444',
      arch: 'arm64',
      agentVersion: '1.2.3',
      status: 'healthy',
      containers: 7,
      vms: 'kvm',
      cpuMillicores: 3500,
      memoryBytes: 8 * 1024 ** 3,
      diskBytes: 2 ** 40,
      registeredAt: new Date('2025-02-01T10:00:00.123Z'),
      lastHeartbeat: new Date('2025-02-01T10:00:30.456Z'),
    });
    const bare = sampleNode({ name: 'orion' });
    temp.store.upsertNode(full);
    temp.store.upsertNode(bare);
    expect(temp.store.findNode('rift')).toEqual(full);
    expect(temp.store.findNode('orion')).toEqual(bare);
    expect(temp.store.findNode('orion')).not.toHaveProperty('lastHeartbeat');
  });

  it('lists nodes sorted by name', () => {
    temp = openTempMasterStore();
    for (const name of ['vega', 'orion', 'rift']) temp.store.upsertNode(sampleNode({ name }));
    expect(temp.store.listNodes().map((node) => node.name)).toEqual(['orion', 'rift', 'vega']);
    expect(temp.store.countNodes()).toBe(3);
  });

  it('says whether an upserted node existed and replaces its fields', () => {
    temp = openTempMasterStore();
    expect(temp.store.upsertNode(sampleNode({ address: '10.0.0.2:9444' }))).toEqual({ existed: false });
    expect(temp.store.upsertNode(sampleNode({ address: '10.0.0.9:9444' }))).toEqual({ existed: true });
    expect(temp.store.findNode('orion')?.address).toBe('10.0.0.9:9444');
    expect(temp.store.countNodes()).toBe(1);
  });

  it('records a heartbeat with its load and marks the node healthy', () => {
    temp = openTempMasterStore();
    temp.store.upsertNode(sampleNode({ status: 'unhealthy' }));
    const at = new Date('2025-03-01T00:00:00.000Z');
    temp.store.recordHeartbeat('orion', { at, cpuMillicores: 1500, memoryBytes: 1024, diskBytes: 2048, containers: 4 });
    expect(temp.store.findNode('orion')).toMatchObject({
      status: 'healthy',
      lastHeartbeat: at,
      cpuMillicores: 1500,
      memoryBytes: 1024,
      diskBytes: 2048,
      containers: 4,
    });
  });

  it('refuses a heartbeat for a node it does not know', () => {
    temp = openTempMasterStore();
    const heartbeat = { at: new Date(), cpuMillicores: 0, memoryBytes: 0, diskBytes: 0, containers: 0 };
    expect(() => temp?.store.recordHeartbeat('ghost', heartbeat)).toThrow(UnknownNodeError);
  });

  it('sets a node’s status and refuses an unknown node', () => {
    temp = openTempMasterStore();
    temp.store.upsertNode(sampleNode({ status: 'healthy' }));
    temp.store.setNodeStatus('orion', 'unhealthy');
    expect(temp.store.findNode('orion')?.status).toBe('unhealthy');
    expect(() => temp?.store.setNodeStatus('ghost', 'healthy')).toThrow(/node ghost is not known/);
  });

  it('refuses a status outside healthy, unhealthy and unknown at the database', () => {
    temp = openTempMasterStore();
    expect(() => temp?.store.upsertNode(sampleNode({ status: 'dead' as 'unknown' }))).toThrow(/CHECK constraint failed/);
  });

  it('keeps nodes across a reopen of the file', () => {
    temp = openTempMasterStore();
    temp.store.upsertNode(sampleNode());
    temp.store.close();
    expect(temp.open().listNodes()).toEqual([sampleNode()]);
  });
});
