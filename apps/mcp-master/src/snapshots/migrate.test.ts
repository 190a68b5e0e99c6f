// Master Migrate, CreateSnapshot and retention against scripted agents (real gRPC over TLS on loopback; see
// testing/scripted-agents.ts): the order of the steps, the snapshot used for a dead source, the restart of the
// source after a failed import, and the catalogue's files. Real agents moving real data: e2e/fleet-migrate.test.ts.
import { create } from '@bufbuild/protobuf';
import { ExportServiceDataResponseSchema, ResultStatus } from '@mcp/proto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployService } from '../deploy.js';
import { FleetError } from '../fleet-errors.js';
import { startFleetTestBed, specOf, type FleetTestBed } from '../testing/scripted-agents.js';
import { ARCHIVE, dataAgent, sha256 } from './data-agent.fixture.js';
import { migrateServices } from './migrate.js';
import { takeSnapshot, type SnapshotSettings } from './take-snapshot.js';

let bed: FleetTestBed;
let settings: SnapshotSettings;
beforeEach(async () => {
  bed = await startFleetTestBed();
  settings = { dir: await mkdtemp(join(tmpdir(), 'mcp-snapshots-')), retention: 2, transferTimeoutMs: 10_000 };
});
afterEach(async () => {
  await bed.close();
  await rm(settings.dir, { recursive: true, force: true });
});

const stepsOf = (answer: Awaited<ReturnType<typeof migrateServices>>) => answer.results.map((step) => `${step.step} ${ResultStatus[step.status]}`);

describe('master migrate', () => {
  it('sets each recorded edge route up again after the dns step, so the edge resolves the new node', async () => {
    const received: Buffer[] = [];
    await bed.startAgent({ name: 'orion' }, dataAgent(received));
    await bed.startAgent({ name: 'vega', containers: 5 }, dataAgent(received));
    const edge = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    bed.deps.store.putEdgeRoute({ hostname: 'mcq.example.test', service: 'mcq', edgeNode: 'edge-a', backendHostname: 'mcq.svc.mcp.test', backendPort: 443, createdAt: new Date(0) });
    const answer = await migrateServices(bed.deps, settings, { service: 'mcq', target: 'vega', force: false, all: false, source: '' });
    expect(answer.success, answer.error).toBe(true);
    expect(stepsOf(answer).slice(-4)).toEqual(['mcq/dns SKIPPED', 'mcq/deploy OK', 'mcq/edge_route mcq.example.test OK', 'mcq/placement OK']);
    expect(edge.calls).toEqual(['SetupEdgeRoute mcq.example.test']);
    expect(edge.edgeRoutes.get('mcq.example.test')).toMatchObject({ backendHostname: 'mcq.svc.mcp.test', backendPort: 443, service: 'mcq' });
  });

  it('stops, pipes the export into the target, cleans the source, deploys on the target and moves the placement, reporting each step', async () => {
    const received: Buffer[] = [];
    const source = await bed.startAgent({ name: 'orion' }, dataAgent(received));
    const target = await bed.startAgent({ name: 'vega', containers: 5 }, dataAgent(received));
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    expect(bed.deps.store.findPlacement('mcq')?.node).toBe('orion');
    const events: string[] = [];
    const answer = await migrateServices(bed.deps, settings, { service: 'mcq', target: 'vega', force: false, all: false, source: '' }, {
      step: (step) => events.push(step.step),
      progress: () => undefined,
    });
    expect(answer.success, answer.error).toBe(true);
    expect(stepsOf(answer)).toEqual([
      'mcq/validate OK', 'mcq/stop OK', 'mcq/export OK', 'mcq/import OK', 'mcq/cleanup OK', 'mcq/dns SKIPPED', 'mcq/deploy OK', 'mcq/edge_route SKIPPED', 'mcq/placement OK',
    ]);
    expect(events).toEqual(answer.results.map((step) => step.step));
    expect(received).toEqual([ARCHIVE]);
    expect(source.calls).toContain('UndeployService mcq');
    expect(target.calls).toContain('Deploy mcq');
    expect(bed.deps.store.findPlacement('mcq')?.node).toBe('vega');
  });

  it('starts the service again on its source when the import fails, and keeps the placement', async () => {
    await bed.startAgent({ name: 'orion' }, dataAgent([]));
    await bed.startAgent({ name: 'vega', containers: 5 }, dataAgent([], { refuseImport: 'service mcq already has data' }));
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const answer = await migrateServices(bed.deps, settings, { service: 'mcq', target: 'vega', force: false, all: false, source: '' });
    expect(answer.success).toBe(false);
    expect(stepsOf(answer)).toEqual(['mcq/validate OK', 'mcq/stop OK', 'mcq/export OK', 'mcq/import FAILED', 'mcq/restart_source OK']);
    expect(answer.error).toMatch(/import: .*already has data/);
    expect(bed.deps.store.findPlacement('mcq')?.node).toBe('orion');
  });

  it('uses the latest stored snapshot when the source is dead, and says which', async () => {
    const received: Buffer[] = [];
    const source = await bed.startAgent({ name: 'orion' }, dataAgent(received));
    await bed.startAgent({ name: 'vega', containers: 5 }, dataAgent(received));
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const snapshot = await takeSnapshot(bed.deps, settings, 'mcq');
    await source.stop();
    const answer = await migrateServices(bed.deps, settings, { service: 'mcq', target: 'vega', force: false, all: false, source: '' });
    expect(answer.success, answer.error).toBe(true);
    expect(answer.services[0]?.snapshotFilename).toBe(snapshot.filename);
    expect(answer.results.find((step) => step.step === 'mcq/export')?.detail).toMatch(`latest stored snapshot ${snapshot.filename}`);
    expect(stepsOf(answer)).toContain('mcq/stop SKIPPED');
    expect(received).toEqual([ARCHIVE]);
  });

  it('refuses a core service and an edge target before anything happens', async () => {
    await bed.startAgent({ name: 'rift', role: 'master' }, dataAgent([]));
    await bed.startAgent({ name: 'gate', role: 'edge' }, dataAgent([]));
    await bed.startAgent({ name: 'vega' }, dataAgent([]));
    await deployService(bed.deps, { spec: specOf('core', { tier: 'core' }), component: '', noPull: false });
    const core = await migrateServices(bed.deps, settings, { service: 'core', target: 'vega', force: false, all: false, source: '' }).catch((error: unknown) => error);
    expect(core).toBeInstanceOf(FleetError);
    expect((core as FleetError).message).toMatch(/core service/);
    const edge = await migrateServices(bed.deps, settings, { service: 'core', target: 'gate', force: false, all: false, source: '' }).catch((error: unknown) => error);
    expect((edge as FleetError).message).toMatch(/gate is an edge node/);
  });
});

describe('master snapshot catalogue', () => {
  it('stores each snapshot as <service>/<UTC time>.tar.zst with its checksum, and keeps the newest `retention`', async () => {
    await bed.startAgent({ name: 'orion' }, dataAgent([]));
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const taken = [];
    for (let round = 0; round < 3; round += 1) {
      taken.push(await takeSnapshot(bed.deps, settings, 'mcq'));
    }
    expect(taken[0]?.filename).toMatch(/^\d{8}T\d{6}\.\d{3}Z\.tar\.zst$/);
    expect(taken[2]?.pruned).toBe(1);
    const files = (await readdir(join(settings.dir, 'mcq'))).sort();
    expect(files).toEqual([taken[1]?.filename, taken[2]?.filename]);
    expect(await readFile(join(settings.dir, 'mcq', files[0] ?? ''))).toEqual(ARCHIVE);
    expect(bed.deps.store.listSnapshots('mcq').map((entry) => [entry.filename, entry.sha256, entry.node])).toEqual([
      [taken[2]?.filename, sha256(ARCHIVE), 'orion'],
      [taken[1]?.filename, sha256(ARCHIVE), 'orion'],
    ]);
  });

  it('keeps nothing when the archive received does not match the agent\'s summary', async () => {
    await bed.startAgent({ name: 'orion' }, {
      ...dataAgent([]),
      async *exportServiceData() {
        yield create(ExportServiceDataResponseSchema, { data: ARCHIVE });
        yield create(ExportServiceDataResponseSchema, { summary: { sizeBytes: BigInt(ARCHIVE.byteLength), sha256: '0'.repeat(64) } });
      },
    });
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const error = await takeSnapshot(bed.deps, settings, 'mcq').catch((caught: unknown) => caught);
    expect((error as FleetError).message).toMatch(/is not what the agent sent/);
    expect(await readdir(join(settings.dir, 'mcq'))).toEqual([]);
    expect(bed.deps.store.listSnapshots('mcq')).toEqual([]);
  });
});
