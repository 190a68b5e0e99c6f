// Start-up reconciliation against scripted agents (real gRPC over TLS on loopback; see testing/scripted-agents.ts).
import { DiscrepancyKind } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { NOT_CHECKED, reconcileFleet } from './reconcile.js';
import { samplePlacement } from './store/testing.js';
import { startFleetTestBed, specOf, type FleetTestBed } from './testing/scripted-agents.js';

let bed: FleetTestBed;
beforeEach(async () => {
  bed = await startFleetTestBed({ agentTimeoutMs: 500 });
});
afterEach(async () => {
  await bed.close();
});

describe('reconciliation at start-up', () => {
  it('reports stale placements, orphans and unreachable nodes', async () => {
    const orion = await bed.startAgent({ name: 'orion' });
    await bed.addDeadNode({ name: 'vega' });
    await deployService(bed.deps, { spec: specOf('alpha', { node: 'orion' }), component: '', noPull: false });
    bed.deps.store.putPlacement(samplePlacement({ service: 'lost', node: 'orion' }));
    bed.deps.store.putPlacement(samplePlacement({ service: 'mcq', node: 'vega' }));
    orion.services.set('stray', { spec: specOf('stray'), active: true, running: true });

    const report = await reconcileFleet(bed.deps);
    expect(report.discrepancies.map((d) => [DiscrepancyKind[d.kind], d.serviceName, d.node])).toEqual([
      ['UNREACHABLE_NODE', '', 'vega'],
      ['STALE_PLACEMENT', 'lost', 'orion'],
      ['ORPHAN', 'stray', 'orion'],
    ]);
    expect(report.nodes.map((node) => [node.name, node.reachable, node.services])).toEqual([
      ['orion', true, 2],
      ['vega', false, 0],
    ]);
    expect(report.placements).toBe(3);
  });

  it('says which checks this version cannot make', async () => {
    await bed.startAgent({ name: 'orion' });
    const report = await reconcileFleet(bed.deps);
    expect(report.notChecked).toEqual(NOT_CHECKED);
    expect(report.notChecked.join('\n')).not.toMatch(/edge routes/);
    expect(report.notChecked.join('\n')).toMatch(/stale snapshots: not checked in this version/);
  });

  it('changes nothing: it only lists the agents registries and keeps every placement', async () => {
    const orion = await bed.startAgent({ name: 'orion' });
    bed.deps.store.putPlacement(samplePlacement({ service: 'lost', node: 'orion' }));
    orion.services.set('stray', { spec: specOf('stray'), active: true, running: true });
    const before = bed.deps.store.listPlacements();
    await reconcileFleet(bed.deps);
    expect(orion.calls).toEqual(['ListServices']);
    expect(bed.deps.store.listPlacements()).toEqual(before);
    expect(orion.services.has('stray')).toBe(true);
  });

  it('logs each discrepancy as a warning naming the service and node', async () => {
    const orion = await bed.startAgent({ name: 'orion' });
    orion.services.set('stray', { spec: specOf('stray'), active: true, running: true });
    await reconcileFleet(bed.deps);
    const warnings = bed.logs.lines().filter((line) => line.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({ task: 'reconcile', kind: 'orphan', service: 'stray', node: 'orion', msg: 'service stray is on node orion without a placement' }),
    ]);
  });
});
