// The snapshot schedule (SPEC §8) with an injected timer and the store's manual clock, against scripted agents over
// real gRPC/TLS: a round per period snapshots every placed service, retention keeps the newest N, a failing service
// does not stop the round, a round still running is not doubled, and stop() waits for it.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ExportServiceDataResponseSchema } from '@mcp/proto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deployService } from '../deploy.js';
import { manualTimer } from '../testing/manual-timer.js';
import { startFleetTestBed, specOf, type FleetTestBed } from '../testing/scripted-agents.js';
import { snapshotFilename } from './archive-files.js';
import { ARCHIVE, dataAgent, sha256 } from './data-agent.fixture.js';
import { startSnapshotSchedule } from './snapshot-schedule.js';
import type { SnapshotSettings } from './take-snapshot.js';

const HOUR = 3_600_000;

let bed: FleetTestBed;
let settings: SnapshotSettings;
beforeEach(async () => {
  bed = await startFleetTestBed();
  settings = { dir: await mkdtemp(join(tmpdir(), 'mcp-snapshot-schedule-')), retention: 2, transferTimeoutMs: 10_000 };
});
afterEach(async () => {
  await bed.close();
  await rm(settings.dir, { recursive: true, force: true });
});

/** The rounds the schedule has finished, from its "scheduled snapshots done" log lines. */
function roundsDone(): { taken: number; failed: number }[] {
  return bed.logs
    .lines()
    .filter((line) => line['msg'] === 'scheduled snapshots done')
    .map((line) => ({ taken: Number(line['taken']), failed: Number(line['failed']) }));
}

async function waitForRounds(count: number): Promise<void> {
  await vi.waitFor(() => expect(roundsDone()).toHaveLength(count), { timeout: 10_000, interval: 10 });
}

describe('snapshot schedule', () => {
  it('snapshots every placed service once a period, keeps the newest `retention`, and a failing service does not stop the round', async () => {
    await bed.startAgent({ name: 'orion' }, dataAgent([]));
    await bed.startAgent({ name: 'vega' }, {
      ...dataAgent([]),
      // eslint-disable-next-line require-yield -- the export fails before its first frame
      async *exportServiceData() {
        throw new ConnectError('snapshot step "exec: wiki dump" exited 1', Code.FailedPrecondition);
      },
    });
    await deployService(bed.deps, { spec: specOf('mcq', { node: 'orion' }), component: '', noPull: false });
    await deployService(bed.deps, { spec: specOf('wiki', { node: 'vega' }), component: '', noPull: false });
    const timer = manualTimer();
    const schedule = startSnapshotSchedule(bed.deps, settings, { intervalMs: 6 * HOUR, timer });
    try {
      expect(timer.periodMs).toBe(6 * HOUR);
      expect(bed.deps.store.listSnapshots('mcq')).toEqual([]);

      const times: Date[] = [];
      for (let round = 1; round <= 3; round += 1) {
        bed.store.clock.advance(6 * HOUR);
        times.push(bed.deps.clock.now());
        timer.fire();
        await waitForRounds(round);
      }
      expect(roundsDone()).toEqual([1, 2, 3].map(() => ({ taken: 1, failed: 1 })));
      // One snapshot per period, named after the time it was taken; the first round's was pruned (retention 2).
      const kept = times.slice(1).map((time) => snapshotFilename(time));
      expect(bed.deps.store.listSnapshots('mcq').map((snapshot) => [snapshot.filename, snapshot.sha256, snapshot.node])).toEqual(
        [...kept].reverse().map((filename) => [filename, sha256(ARCHIVE), 'orion']),
      );
      expect((await readdir(join(settings.dir, 'mcq'))).sort()).toEqual(kept);
      expect(bed.deps.store.listSnapshots('wiki')).toEqual([]);
      const warnings = bed.logs.lines().filter((line) => line['msg'] === 'scheduled snapshot failed');
      expect(warnings).toHaveLength(3);
      expect(warnings[0]).toMatchObject({ service: 'wiki', node: 'vega', err: expect.stringContaining('exited 1') });
    } finally {
      await schedule.stop();
    }
    expect(timer.cancelled).toBe(true);
  });

  it('does not start a round while the last one still runs, and stop() waits for the running one', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls: string[] = [];
    await bed.startAgent({ name: 'orion' }, {
      ...dataAgent([], { calls }),
      async *exportServiceData(request) {
        calls.push(`Export ${request.service}`);
        await gate;
        yield create(ExportServiceDataResponseSchema, { data: ARCHIVE });
        yield create(ExportServiceDataResponseSchema, { summary: { sizeBytes: BigInt(ARCHIVE.byteLength), sha256: sha256(ARCHIVE), files: 1 } });
      },
    });
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const timer = manualTimer();
    const schedule = startSnapshotSchedule(bed.deps, settings, { intervalMs: HOUR, timer });

    timer.fire();
    await vi.waitFor(() => expect(calls).toEqual(['Export mcq']), { timeout: 10_000, interval: 10 });
    timer.fire();
    let stopped = false;
    const stopping = schedule.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);

    release();
    await stopping;
    expect(calls).toEqual(['Export mcq']);
    expect(roundsDone()).toEqual([{ taken: 1, failed: 0 }]);
    expect(bed.deps.store.listSnapshots('mcq')).toHaveLength(1);
  });
});
