import { create } from '@bufbuild/protobuf';
import { ServiceInfoSchema, ServiceSpecSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { assignNodes, planSync, type SyncDefinition } from './sync-plan.js';

const rift = { name: 'rift', address: 'rift:9444' };
const edge = { name: 'edge', address: 'edge:9444' };

function definition(name: string, node = ''): SyncDefinition {
  return { file: `/defs/${name}.toml`, spec: create(ServiceSpecSchema, { name, node, active: true }) };
}

const sentTo = (assignment: ReturnType<typeof assignNodes>) =>
  assignment.byNode.map(({ node, definitions }) => [node.name, definitions.map((d) => d.spec.name)]);

describe('assignNodes', () => {
  it('sends each definition to the node it names, nodes in config order', () => {
    const assignment = assignNodes([definition('web', 'edge'), definition('db', 'rift'), definition('api', 'edge')], [rift, edge], undefined);
    expect([sentTo(assignment), assignment.problems]).toEqual([[['rift', ['db']], ['edge', ['web', 'api']]], []]);
  });

  it('sends a definition without a node to the only configured node', () => {
    expect(sentTo(assignNodes([definition('web')], [rift], undefined))).toEqual([['rift', ['web']]]);
  });

  it('sends a definition without a node to -n', () => {
    expect(sentTo(assignNodes([definition('web')], [rift, edge], 'edge'))).toEqual([['edge', ['web']]]);
  });

  it('skips definitions pinned to another node than -n', () => {
    const assignment = assignNodes([definition('web', 'rift'), definition('api', 'edge')], [rift, edge], 'edge');
    expect([sentTo(assignment), assignment.skipped]).toEqual([[['edge', ['api']]], [{ service: 'web', node: 'rift' }]]);
  });

  it('reports a definition without a node among several nodes', () => {
    expect(assignNodes([definition('web')], [rift, edge], undefined).problems).toEqual([
      '/defs/web.toml: no node key and 2 nodes configured; set node = "<name>" in it or pass -n/--node (one of: rift, edge)',
    ]);
  });

  it('reports a definition pinned to a node that is not configured', () => {
    expect(assignNodes([definition('web', 'gone')], [rift], undefined).problems).toEqual([
      '/defs/web.toml: node: "gone" is not configured; expected one of: rift',
    ]);
  });
});

describe('planSync', () => {
  const spec = (name: string, active = true, comment = '') => create(ServiceSpecSchema, { name, active, comment });
  const recorded = (name: string, active: boolean, comment = '') => create(ServiceInfoSchema, { name, active, spec: spec(name, active, comment) });

  it('adds a service the node has not recorded', () => {
    expect(planSync([spec('web')], [])).toEqual([{ service: 'web', action: 'add' }]);
  });

  it('leaves a service recorded with the same definition unchanged', () => {
    expect(planSync([spec('web')], [recorded('web', true)])).toEqual([{ service: 'web', action: 'unchanged' }]);
  });

  it('updates a service recorded with another definition', () => {
    expect(planSync([spec('web', true, 'new')], [recorded('web', true, 'old')])).toEqual([{ service: 'web', action: 'update' }]);
  });

  it('stops a service recorded as running whose definition is now inactive', () => {
    expect(planSync([spec('web', false)], [recorded('web', true)])).toEqual([{ service: 'web', action: 'stop' }]);
  });
});

describe('planSync judges "changed" by the one rule nodes use', () => {
  it('calls notes.toml (path, [build.images], comment) unchanged against what an agent recorded of it', async () => {
    const { readFile } = await import('node:fs/promises');
    const { definitionToProto, parseDefinition } = await import('@mcp/servicedef');
    const parsed = parseDefinition(await readFile(new URL('../../../examples/services/notes.toml', import.meta.url), 'utf8'), 'notes.toml');
    if (!parsed.ok) throw new Error('examples/services/notes.toml must be valid');
    const sent = definitionToProto(parsed.definition);
    // An agent records neither path nor [build.images] (they are the workstation's) and answers its record.
    const recorded = create(ServiceSpecSchema, { ...sent, path: '', buildImages: {} });
    const info = create(ServiceInfoSchema, { name: 'notes', active: true, spec: recorded });
    expect(planSync([sent], [info])).toEqual([{ service: 'notes', action: 'unchanged' }]);
    const changedImage = create(ServiceSpecSchema, {
      ...sent,
      components: sent.components.map((component) => ({ ...component, image: component.image.replace('v1.4.2', 'v1.5.0') })),
    });
    expect(planSync([changedImage], [info])).toEqual([{ service: 'notes', action: 'update' }]);
  });
});
