import { definitionFromProto, definitionToProto } from '@mcp/servicedef';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeRecord, PlacementRecord } from './deps.js';
import { sampleNode } from './store/testing.js';
import { planSync, type SyncPlanInput } from './sync-plan.js';
import { specOf } from './testing/scripted-agents.js';

const names = ['alpha', 'beta', 'gamma', 'delta', 'mcq', 'metacrypt', 'zeta'];
const tags = ['v1', 'v2', 'v3'];
const nodeNames = ['orion', 'vega', 'rift'];

interface Scenario {
  readonly sent: Map<string, string>;
  readonly placed: Map<string, { tag: string; node: string }>;
  readonly nodes: NodeRecord[];
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    sent: fc.dictionary(fc.constantFrom(...names), fc.constantFrom(...tags), { maxKeys: names.length }),
    placed: fc.dictionary(fc.constantFrom(...names), fc.record({ tag: fc.constantFrom(...tags), node: fc.constantFrom(...nodeNames) }), {
      maxKeys: names.length,
    }),
    containers: fc.array(fc.nat({ max: 5 }), { minLength: nodeNames.length, maxLength: nodeNames.length }),
  })
  .map(({ sent, placed, containers }) => ({
    sent: new Map(Object.entries(sent)),
    placed: new Map(Object.entries(placed)),
    nodes: nodeNames.map((name, index) => sampleNode({ name, status: 'healthy', containers: containers[index] ?? 0 })),
  }));

function specFor(name: string, tag: string) {
  return specOf(name, { image: `registry.example.net/${name}:${tag}` });
}

function inputOf(s: Scenario): SyncPlanInput {
  const placements: PlacementRecord[] = [...s.placed].map(([service, { tag, node }]) => ({
    service,
    node,
    tier: 'worker',
    spec: definitionToProto(definitionFromProto(specFor(service, tag))),
    deployedAt: new Date(0),
  }));
  return { definitions: [...s.sent].map(([name, tag]) => definitionFromProto(specFor(name, tag))), placements, nodes: s.nodes };
}

describe('sync plan properties', () => {
  it('covers every sent and every placed service exactly once, sorted by name', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const plan = planSync(inputOf(s));
        const expected = [...new Set([...s.sent.keys(), ...s.placed.keys()])].sort();
        expect(plan.map((entry) => entry.service)).toEqual(expected);
      }),
    );
  });

  it('deploys the new, redeploys the changed, undeploys the absent and leaves the rest', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const entry of planSync(inputOf(s))) {
          const sentTag = s.sent.get(entry.service);
          const placement = s.placed.get(entry.service);
          let expected: string;
          if (sentTag === undefined) expected = 'undeploy';
          else if (placement === undefined) expected = 'deploy';
          else expected = placement.tag === sentTag ? 'unchanged' : 'redeploy';
          expect(entry.action).toBe(expected);
          if (placement !== undefined) expect(entry.node).toBe(placement.node);
        }
      }),
    );
  });

  it('plans nothing but unchanged when the definitions are the ones deployed', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const same: Scenario = { ...s, sent: new Map([...s.placed].map(([name, { tag }]) => [name, tag])) };
        expect(planSync(inputOf(same)).every((entry) => entry.action === 'unchanged')).toBe(true);
      }),
    );
  });

  it('gives the same plan for the same input in any order', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = inputOf(s);
        const reversed = { ...input, definitions: [...input.definitions].reverse(), placements: [...input.placements].reverse(), nodes: [...input.nodes].reverse() };
        expect(planSync(reversed)).toEqual(planSync(input));
      }),
    );
  });
});
