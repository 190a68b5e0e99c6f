import { describe, expect, it } from 'vitest';
import { definitionChanges, describeChanges, isRecordedAs } from './definition-changes.js';
import type { ServiceDefinition } from './types.js';

const base: ServiceDefinition = {
  name: 'mcq',
  active: true,
  tier: 'worker',
  comment: 'queue',
  path: '../mcq',
  buildImages: { mcq: 'Dockerfile' },
  snapshot: { method: '', exclude: [] },
  components: [
    { name: 'api', image: 'r.example/mcq:v1', runtime: 'container', vcpus: 1, ports: [], volumes: [], env: ['A=1'], routes: [] },
    { name: 'web', image: 'r.example/web:v1', runtime: 'container', vcpus: 1, ports: [], volumes: [], env: [], routes: [] },
  ],
};

describe('definitionChanges', () => {
  it('ignores path and [build.images]: only the workstation reads them', () => {
    expect(definitionChanges(base, { ...base, path: 'elsewhere', buildImages: {} })).toEqual([]);
  });

  it('reports a comment as recorded but running nothing', () => {
    const changed = { ...base, comment: 'the queue' };
    expect([definitionChanges(base, changed), describeChanges(base, changed), isRecordedAs(base, changed)]).toEqual([
      [{ kind: 'comment', text: 'comment changed' }],
      [],
      false,
    ]);
  });

  it('names what runs differently, per component', () => {
    const [api, web] = base.components;
    if (api === undefined || web === undefined) throw new Error('fixture');
    const changed = { ...base, active: false, components: [{ ...api, image: 'r.example/mcq:v2', env: ['A=2'] }, web] };
    expect(describeChanges(base, changed)).toEqual([
      'active changed: true -> false',
      'image changed: r.example/mcq:v1 -> r.example/mcq:v2 (component api)',
      'env changed (component api)',
    ]);
  });

  it('counts a component left out as a removal, which a node that keeps it has still recorded', () => {
    const fewer = { ...base, components: base.components.slice(0, 1) };
    expect([describeChanges(base, fewer), isRecordedAs(base, fewer)]).toEqual([['component web removed'], true]);
  });

  it('counts no tier for a pinned service (node wins): a node that recorded it without one has it as it is', () => {
    const pinned = { ...base, node: 'rift' };
    const withoutTier: ServiceDefinition = { ...pinned };
    delete withoutTier.tier;
    const unpinned: ServiceDefinition = { ...pinned };
    delete unpinned.node;
    expect([definitionChanges(withoutTier, pinned), isRecordedAs(withoutTier, pinned), isRecordedAs(pinned, { ...pinned, tier: 'core' })]).toEqual([[], true, true]);
    expect(describeChanges(base, { ...base, tier: 'core' })).toEqual(['tier changed: worker -> core']);
    expect(describeChanges(withoutTier, unpinned)).toEqual(['tier changed: (none) -> worker', 'node changed: rift -> (none)']);
  });
});
