import { create } from '@bufbuild/protobuf';
import { ServiceSpecSchema } from '@mcp/proto';
import { definitionFromProto, definitionToProto, type ServiceDefinition } from '@mcp/servicedef';
import { describe, expect, it } from 'vitest';
import type { PlacementRecord } from './deps.js';
import { sampleNode } from './store/testing.js';
import { planSync } from './sync-plan.js';
import { specOf, type SpecOptions } from './testing/scripted-agents.js';

function definition(name: string, options: SpecOptions = {}): ServiceDefinition {
  return definitionFromProto(specOf(name, options));
}

function placed(name: string, node: string, options: SpecOptions = {}): PlacementRecord {
  return { service: name, node, tier: 'worker', spec: definitionToProto(definition(name, options)), deployedAt: new Date(0) };
}

const workers = [sampleNode({ name: 'orion', status: 'healthy' }), sampleNode({ name: 'vega', status: 'healthy' })];

describe('sync plan', () => {
  it('plans a redeploy for a changed image and says what changed', () => {
    const [entry] = planSync({
      definitions: [definition('mcq', { image: 'registry.example.net/mcq:v2' })],
      placements: [placed('mcq', 'orion', { image: 'registry.example.net/mcq:v1' })],
      nodes: workers,
    });
    expect(entry).toMatchObject({ service: 'mcq', action: 'redeploy', node: 'orion' });
    expect(entry?.reason).toBe('image changed: registry.example.net/mcq:v1 -> registry.example.net/mcq:v2 (component api)');
  });

  it('treats a definition sent without tier as equal to the deployed worker-tier one', () => {
    const bare = create(ServiceSpecSchema, { name: 'mcq', active: true, components: [{ name: 'api', image: 'registry.example.net/mcq:v1' }] });
    const [entry] = planSync({ definitions: [definitionFromProto(bare)], placements: [placed('mcq', 'orion')], nodes: workers });
    expect(entry?.action).toBe('unchanged');
  });

  it('does not redeploy for a changed comment alone', () => {
    const commented = { ...definition('mcq'), comment: 'the message queue' };
    const [entry] = planSync({ definitions: [commented], placements: [placed('mcq', 'orion')], nodes: workers });
    expect(entry?.action).toBe('unchanged');
  });

  it('plans an undeploy for a placed service absent from the definitions', () => {
    const [entry] = planSync({ definitions: [], placements: [placed('old', 'vega')], nodes: workers });
    expect(entry).toEqual({ service: 'old', action: 'undeploy', node: 'vega', reason: 'placed on node vega but absent from the definitions sent' });
  });

  it('spreads new services over the workers as a real sync would', () => {
    const plan = planSync({ definitions: [definition('alpha'), definition('beta')], placements: [], nodes: workers });
    expect(plan.map((entry) => [entry.service, entry.action, entry.node])).toEqual([
      ['alpha', 'deploy', 'orion'],
      ['beta', 'deploy', 'vega'],
    ]);
  });

  it('leaves the node empty and gives the reason when no node can take a new service', () => {
    const [entry] = planSync({ definitions: [definition('mcq', { tier: 'core' })], placements: [], nodes: workers });
    expect(entry?.node).toBe('');
    expect(entry?.reason).toBe('new service; the deploy will be refused: service mcq is core tier, but no master node is registered');
  });

  it('warns that a changed tier will be refused rather than moved', () => {
    const [entry] = planSync({
      definitions: [definition('mcq', { tier: 'core' })],
      placements: [placed('mcq', 'orion')],
      nodes: [...workers, sampleNode({ name: 'rift', role: 'master', status: 'healthy' })],
    });
    expect(entry?.action).toBe('redeploy');
    expect(entry?.reason).toMatch(/^tier changed: worker -> core; the deploy will be refused: /);
  });

  it('names added and removed components', () => {
    const [entry] = planSync({
      definitions: [definition('mcq', { components: ['api', 'worker'] })],
      placements: [placed('mcq', 'orion', { components: ['api', 'cron'] })],
      nodes: workers,
    });
    expect(entry?.reason).toBe('component worker added; component cron removed');
  });
});
