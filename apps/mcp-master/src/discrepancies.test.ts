import { create } from '@bufbuild/protobuf';
import { DiscrepancyKind, ServiceInfoSchema, type ServiceInfo } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import type { AgentAnswer } from './agent-calls.js';
import { findDiscrepancies } from './discrepancies.js';
import { sampleNode, samplePlacement } from './store/testing.js';

const orion = sampleNode({ name: 'orion', status: 'healthy' });
const vega = sampleNode({ name: 'vega', status: 'healthy' });
const now = new Date('2025-01-01T00:00:00.000Z');

function info(name: string, active: boolean, observed: string[]): ServiceInfo {
  return create(ServiceInfoSchema, {
    name,
    active,
    components: observed.map((observedState, index) => ({ name: `c${index}`, observedState })),
  });
}

function answered(node: typeof orion, services: ServiceInfo[]): AgentAnswer<readonly ServiceInfo[]> {
  return { node, ok: true, value: services };
}

function kinds(found: ReturnType<typeof findDiscrepancies>) {
  return found.map((d) => [DiscrepancyKind[d.kind], d.serviceName, d.node]);
}

describe('discrepancies between placements and agents', () => {
  it('finds nothing when every placed service runs where it is placed', () => {
    const found = findDiscrepancies({
      placements: [samplePlacement({ service: 'mcq', node: 'orion' })],
      answers: [answered(orion, [info('mcq', true, ['running'])]), answered(vega, [])],
      now,
    });
    expect(found).toEqual([]);
  });

  it('reports a placement whose node has no such service as stale', () => {
    const found = findDiscrepancies({ placements: [samplePlacement({ service: 'mcq', node: 'orion' })], answers: [answered(orion, [])], now });
    expect(kinds(found)).toEqual([['STALE_PLACEMENT', 'mcq', 'orion']]);
    expect(found[0]?.message).toBe('service mcq is placed on node orion, but that node has no such service in its registry');
  });

  it('reports a placed service desired running with nothing running as stale', () => {
    const found = findDiscrepancies({
      placements: [samplePlacement({ service: 'mcq', node: 'orion' })],
      answers: [answered(orion, [info('mcq', true, ['exited', 'missing'])])],
      now,
    });
    expect(found[0]?.message).toBe('service mcq is placed on node orion and desired running, but none of its components runs (c0: exited, c1: missing)');
  });

  it('does not call a deliberately stopped service stale', () => {
    const found = findDiscrepancies({
      placements: [samplePlacement({ service: 'mcq', node: 'orion' })],
      answers: [answered(orion, [info('mcq', false, ['exited'])])],
      now,
    });
    expect(found).toEqual([]);
  });

  it('reports a service running on a node without a placement as an orphan', () => {
    const found = findDiscrepancies({ placements: [], answers: [answered(vega, [info('stray', true, ['running'])])], now });
    expect(kinds(found)).toEqual([['ORPHAN', 'stray', 'vega']]);
    expect(found[0]?.message).toBe('service stray is on node vega without a placement');
  });

  it('reports a copy of a service on a node other than its placement as an orphan', () => {
    const found = findDiscrepancies({
      placements: [samplePlacement({ service: 'mcq', node: 'orion' })],
      answers: [answered(orion, [info('mcq', true, ['running'])]), answered(vega, [info('mcq', true, ['running'])])],
      now,
    });
    expect(found[0]?.message).toBe('service mcq is on node vega but is placed on node orion');
  });

  it('does not call an undeployed service left inactive in an agent registry an orphan', () => {
    const found = findDiscrepancies({ placements: [], answers: [answered(vega, [info('gone', false, ['missing'])])], now });
    expect(found).toEqual([]);
  });

  it('reports an unreachable node first and does not judge the services placed on it', () => {
    const found = findDiscrepancies({
      placements: [samplePlacement({ service: 'mcq', node: 'orion' }), samplePlacement({ service: 'alpha', node: 'vega' })],
      answers: [{ node: orion, ok: false, error: 'node orion (10.0.0.2:9444) did not answer within 500 ms' }, answered(vega, [])],
      now,
    });
    expect(kinds(found)).toEqual([
      ['UNREACHABLE_NODE', '', 'orion'],
      ['STALE_PLACEMENT', 'alpha', 'vega'],
    ]);
  });

  it('reports a placement on a node that is not registered as stale', () => {
    const found = findDiscrepancies({ placements: [samplePlacement({ service: 'mcq', node: 'gone' })], answers: [], now });
    expect(found[0]?.message).toBe('service mcq is placed on node gone, which is not registered');
  });
});
