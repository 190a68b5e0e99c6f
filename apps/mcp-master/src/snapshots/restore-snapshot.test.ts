// RestoreSnapshot against scripted agents (real gRPC/TLS on loopback): a stored snapshot goes back to the service's
// node as stop → import with force → start, streamed with progress; a refused import still starts the service; a
// snapshot not in the catalogue or damaged on disk is refused before the agent is called. Real data: e2e/fleet-migrate.
import { ResultStatus } from '@mcp/proto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployService } from '../deploy.js';
import { FleetError } from '../fleet-errors.js';
import { startFleetTestBed, specOf, type FleetTestBed } from '../testing/scripted-agents.js';
import { snapshotPath } from './archive-files.js';
import { ARCHIVE, dataAgent } from './data-agent.fixture.js';
import { restoreSnapshot, type RestoreEvents } from './restore-snapshot.js';
import { takeSnapshot, type SnapshotSettings } from './take-snapshot.js';

let bed: FleetTestBed;
let settings: SnapshotSettings;
beforeEach(async () => {
  bed = await startFleetTestBed();
  settings = { dir: await mkdtemp(join(tmpdir(), 'mcp-restore-')), retention: 5, transferTimeoutMs: 10_000 };
});
afterEach(async () => {
  await bed.close();
  await rm(settings.dir, { recursive: true, force: true });
});

/** Events as they arrive: the steps (`<step> <STATUS>`) and the bytes of each progress report. */
function recorder(): RestoreEvents & { steps: string[]; bytes: bigint[] } {
  const steps: string[] = [];
  const bytes: bigint[] = [];
  return {
    steps,
    bytes,
    step: (step) => void steps.push(`${step.step} ${ResultStatus[step.status]}`),
    progress: (event) => void bytes.push(event.bytes),
  };
}

describe('restore a snapshot', () => {
  it('stops the service, imports the named snapshot with force, starts it again, and reports each step as it happens', async () => {
    const received: Buffer[] = [];
    const calls: string[] = [];
    await bed.startAgent({ name: 'orion' }, dataAgent(received, { calls }));
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const older = await takeSnapshot(bed.deps, settings, 'mcq');
    bed.store.clock.advance(60_000);
    const newer = await takeSnapshot(bed.deps, settings, 'mcq');
    calls.length = 0;

    const events = recorder();
    const answer = await restoreSnapshot(bed.deps, settings, { service: 'mcq', filename: older.filename }, events);
    expect(answer.success, answer.error).toBe(true);
    expect(answer.snapshot?.filename).toBe(older.filename);
    expect(answer.node).toBe('orion');
    expect(answer.steps.map((step) => `${step.step} ${ResultStatus[step.status]}`)).toEqual(['stop OK', 'import OK', 'start OK']);
    expect(events.steps).toEqual(['stop OK', 'import OK', 'start OK']);
    expect(events.bytes.at(-1)).toBe(BigInt(ARCHIVE.byteLength));
    expect(calls).toEqual(['StopService mcq', 'Import mcq force=true', 'StartService mcq']);
    expect(received).toEqual([ARCHIVE]);

    // No file named: the newest.
    const latest = await restoreSnapshot(bed.deps, settings, { service: 'mcq', filename: '' }, recorder());
    expect(latest.snapshot?.filename).toBe(newer.filename);
  });

  it('starts the service again on its old data when the agent refuses the import', async () => {
    const calls: string[] = [];
    await bed.startAgent({ name: 'orion' }, dataAgent([], { calls, refuseImport: 'disk full' }));
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const taken = await takeSnapshot(bed.deps, settings, 'mcq');
    calls.length = 0;
    const answer = await restoreSnapshot(bed.deps, settings, { service: 'mcq', filename: taken.filename }, recorder());
    expect(answer.success).toBe(false);
    expect(answer.error).toMatch(/import: .*refused the data \(its old data is untouched\): .*disk full/);
    expect(answer.steps.map((step) => `${step.step} ${ResultStatus[step.status]}`)).toEqual(['stop OK', 'import FAILED', 'start OK']);
    expect(calls).toEqual(['StopService mcq', 'Import mcq force=true', 'StartService mcq']);
  });

  it('refuses a snapshot the catalogue does not list, or whose file is damaged, before calling the agent', async () => {
    const calls: string[] = [];
    await bed.startAgent({ name: 'orion' }, dataAgent([], { calls }));
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const none = await restoreSnapshot(bed.deps, settings, { service: 'mcq', filename: '' }, recorder()).catch((error: unknown) => error);
    expect(none).toBeInstanceOf(FleetError);
    expect((none as FleetError).message).toMatch(/has no stored snapshot \(mcp snapshot mcq takes one\)/);

    const taken = await takeSnapshot(bed.deps, settings, 'mcq');
    const unknown = await restoreSnapshot(bed.deps, settings, { service: 'mcq', filename: '20200101T000000.000Z.tar.zst' }, recorder()).catch((error: unknown) => error);
    expect((unknown as FleetError).message).toMatch(`is not in the catalogue; the newest: ${taken.filename}`);

    await writeFile(snapshotPath(settings.dir, 'mcq', taken.filename), 'tampered');
    calls.length = 0;
    const damaged = await restoreSnapshot(bed.deps, settings, { service: 'mcq', filename: taken.filename }, recorder()).catch((error: unknown) => error);
    expect((damaged as FleetError).message).toMatch(/is damaged: 8 bytes with sha256 [0-9a-f]{64}, the catalogue recorded/);
    expect(calls).toEqual([]);
  });
});
