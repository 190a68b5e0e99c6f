import { create, toBinary } from '@bufbuild/protobuf';
import { ServiceSpecSchema } from '@mcp/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { UnknownNodeError } from './errors.js';
import { openTempMasterStore, sampleNode, samplePlacement, type TempMasterStore } from './testing.js';

describe('the store’s placements', () => {
  let temp: TempMasterStore | undefined;
  afterEach(() => temp?.cleanup());

  function withNodes(...names: string[]): TempMasterStore {
    const opened = openTempMasterStore();
    for (const name of names) opened.store.upsertNode(sampleNode({ name }));
    temp = opened;
    return opened;
  }

  it('round-trips a placement with its whole definition', () => {
    const { store } = withNodes('orion');
    const spec = create(ServiceSpecSchema, {
      name: 'mcq',
      active: true,
      tier: 'worker',
      comment: 'queue',
      components: [
        { name: 'api', image: 'r/mcq:v2', ports: ['8080:8080'], env: ['A=1'], routes: [{ name: 'web', port: 443, mode: 'l7', public: true, hostname: 'mcq.example.net' }] },
        { name: 'vm', image: 'r/vm:1', runtime: 'unikernel', memoryMb: 256, vcpus: 1 },
      ],
      snapshot: { method: 'full', excludes: ['cache/'] },
    });
    const placement = samplePlacement({ spec, deployedAt: new Date('2025-04-01T12:34:56.789Z') });
    store.putPlacement(placement);
    const read = store.findPlacement('mcq');
    expect(read?.deployedAt).toEqual(placement.deployedAt);
    expect(read && toBinary(ServiceSpecSchema, read.spec)).toEqual(toBinary(ServiceSpecSchema, spec));
    expect(read?.spec.components[0]?.routes[0]?.hostname).toBe('mcq.example.net');
  });

  it('replaces the placement of a service put again', () => {
    const { store } = withNodes('orion', 'vega');
    store.putPlacement(samplePlacement({ node: 'orion' }));
    store.putPlacement(samplePlacement({ node: 'vega', tier: '' }));
    expect(store.listPlacements().map(({ service, node, tier }) => ({ service, node, tier }))).toEqual([
      { service: 'mcq', node: 'vega', tier: '' },
    ]);
  });

  it('lists placements sorted by service', () => {
    const { store } = withNodes('orion');
    for (const service of ['web', 'auth', 'mcq']) store.putPlacement(samplePlacement({ service }));
    expect(store.listPlacements().map((placement) => placement.service)).toEqual(['auth', 'mcq', 'web']);
  });

  it('refuses a placement on a node it does not know', () => {
    const { store } = withNodes('orion');
    expect(() => store.putPlacement(samplePlacement({ node: 'ghost' }))).toThrow(UnknownNodeError);
    expect(store.listPlacements()).toEqual([]);
  });

  it('refuses a tier other than core, worker or empty at the database', () => {
    const { store } = withNodes('orion');
    expect(() => store.putPlacement(samplePlacement({ tier: 'edge' }))).toThrow(/CHECK constraint failed/);
  });

  it('deletes a placement, and deleting an absent one changes nothing', () => {
    const { store } = withNodes('orion');
    store.putPlacement(samplePlacement({ service: 'mcq' }));
    store.putPlacement(samplePlacement({ service: 'web' }));
    store.deletePlacement('mcq');
    store.deletePlacement('never-placed');
    expect(store.findPlacement('mcq')).toBeUndefined();
    expect(store.listPlacements().map((placement) => placement.service)).toEqual(['web']);
  });
});
