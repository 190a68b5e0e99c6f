// `mcp snapshot …` and `mcp migrate …` against a scripted master: what is sent, and how steps and progress print.
import { create } from '@bufbuild/protobuf';
import {
  CreateSnapshotResponseSchema,
  CreateSnapshotStreamResponseSchema,
  ListSnapshotsResponseSchema,
  MigrateResponseSchema,
  MigrateStreamResponseSchema,
  ResultStatus,
  RestoreSnapshotResponseSchema,
  type StepResult,
} from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeMaster } from '../fake-master-fleet.js';

const bed = useFakeMaster();

const ok = (step: string, detail: string): StepResult => ({ $typeName: 'mcp.v1.StepResult', step, success: true, status: ResultStatus.OK, detail, error: '' });
const failed = (step: string, error: string): StepResult => ({ $typeName: 'mcp.v1.StepResult', step, success: false, status: ResultStatus.FAILED, detail: '', error });

describe('mcp snapshot through the master', () => {
  it('takes a snapshot, printing plain progress lines off a terminal and the file it stored', async () => {
    const f = await bed.start({
      master: {
        async *createSnapshotStream() {
          yield create(CreateSnapshotStreamResponseSchema, { event: { case: 'progress', value: { serviceName: 'web', step: 'snapshot', bytes: 70n * 1024n * 1024n } } });
          const done = create(CreateSnapshotResponseSchema, {
            filename: '20261207T182523.123Z.tar.zst',
            sizeBytes: 73400320n,
            snapshot: { serviceName: 'web', filename: '20261207T182523.123Z.tar.zst', sha256: 'ab'.repeat(32) },
            pruned: 1,
            serviceStep: { step: 'service_snapshot', success: true, status: ResultStatus.SKIPPED, detail: 'no step' },
          });
          yield create(CreateSnapshotStreamResponseSchema, { event: { case: 'done', value: done } });
        },
      },
    });
    const { exitCode, stdout, stderr } = await f.mcp('snapshot', 'web');
    expect(exitCode).toBe(0);
    expect(f.master.requests('createSnapshotStream')).toEqual([{ serviceName: 'web' }]);
    expect(stderr).toMatch(/ {2}snapshot: 70\.0 MiB at .*\/s\n/);
    expect(stdout).toBe(
      '  web: 20261207T182523.123Z.tar.zst (70.0 MiB, sha256 abababababab…)\n  service_snapshot: skipped (no step)\n  retention: 1 older snapshot(s) removed\n',
    );
  });

  it('lists the catalogue as a table', async () => {
    const f = await bed.start({
      master: {
        listSnapshots: () =>
          create(ListSnapshotsResponseSchema, {
            snapshots: [{ serviceName: 'web', node: 'rift', filename: 'b.tar.zst', sizeBytes: 2048n, createdAt: '2026-12-07T18:25:23.123Z' }],
          }),
      },
    });
    const { exitCode, stdout } = await f.mcp('snapshot', 'list', 'web');
    expect([exitCode, f.master.requests('listSnapshots'), stdout]).toEqual([
      0,
      [{ serviceName: 'web' }],
      'SERVICE  FILE       NODE  SIZE     CREATED\nweb      b.tar.zst  rift  2.0 KiB  2026-12-07T18:25:23.123Z\n',
    ]);
  });

  it('restores a named file in place, printing each step as it ends, and exits 1 when the restore failed', async () => {
    const f = await bed.start({
      master: {
        async *restoreSnapshot() {
          yield create(RestoreSnapshotResponseSchema, { event: { case: 'step', value: ok('stop', 'stopped on node rift') } });
          yield create(RestoreSnapshotResponseSchema, { event: { case: 'step', value: failed('import', 'archive damaged') } });
          yield create(RestoreSnapshotResponseSchema, { event: { case: 'done', value: { success: false, error: 'import: archive damaged', node: 'rift' } } });
        },
      },
    });
    const { exitCode, stdout } = await f.mcp('snapshot', 'restore', 'web', 'a.tar.zst');
    expect([exitCode, f.master.requests('restoreSnapshot'), stdout]).toEqual([
      1,
      [{ serviceName: 'web', filename: 'a.tar.zst' }],
      '  stop: ok (stopped on node rift)\n  import: failed: archive damaged\n  web: failed: import: archive damaged\n',
    ]);
  });
});

describe('mcp migrate through the master', () => {
  const moved = create(MigrateResponseSchema, {
    success: true,
    services: [{ serviceName: 'web', sourceNode: 'rift', targetNode: 'vega', status: ResultStatus.OK, snapshotFilename: 'a.tar.zst' }],
  });

  it('sends the service, target and --force, and prints each step as it comes, then the outcome', async () => {
    const f = await bed.start({
      master: {
        async *migrateStream() {
          yield create(MigrateStreamResponseSchema, { event: { case: 'step', value: ok('web/stop', 'stopped') } });
          yield create(MigrateStreamResponseSchema, { event: { case: 'step', value: ok('web/export', 'source unreachable: using the latest stored snapshot a.tar.zst') } });
          yield create(MigrateStreamResponseSchema, { event: { case: 'done', value: moved } });
        },
      },
    });
    const { exitCode, stdout } = await f.mcp('migrate', 'web', '--to', 'vega', '--force');
    expect(exitCode).toBe(0);
    expect(f.master.requests('migrateStream')).toEqual([{ serviceName: 'web', targetNode: 'vega', force: true, all: false, sourceNode: '' }]);
    expect(stdout).toBe(
      '  web/stop: ok (stopped)\n  web/export: ok (source unreachable: using the latest stored snapshot a.tar.zst)\n' +
        'web: moved rift → vega (from snapshot a.tar.zst: the source was unreachable)\n',
    );
  });

  it('sends --all --from, and refuses --all without --from or with a service (exit 2)', async () => {
    const f = await bed.start({ master: { async *migrateStream() { yield create(MigrateStreamResponseSchema, { event: { case: 'done', value: create(MigrateResponseSchema, { success: true }) } }); } } });
    expect((await f.mcp('migrate', '--all', '--from', 'rift', '--to', 'vega')).exitCode).toBe(0);
    expect(f.master.requests('migrateStream')).toEqual([{ serviceName: '', targetNode: 'vega', force: false, all: true, sourceNode: 'rift' }]);
    const noFrom = await f.mcp('migrate', '--all', '--to', 'vega');
    expect([noFrom.exitCode, noFrom.stderr]).toEqual([2, 'mcp: mcp migrate: --all needs --from <node>, the node to empty\n']);
    expect((await f.mcp('migrate', 'web', '--all', '--from', 'rift', '--to', 'vega')).exitCode).toBe(2);
  });
});
