// ExportServiceData while a real container keeps writing to a SQLite file in /srv/<service>/, and the service's own
// snapshot step run in its container (real podman, real SQLite, real zstd).
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ImportServiceDataRequestSchema, ResultStatus, SnapshotConfigSchema, type ExportSummary } from '@mcp/proto';
import type { ServiceSpec } from '@mcp/registry';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from '../deploy.js';
import { startDeployFixture, type DeployFixture } from '../deploy.fixture.js';
import { framesOf, listArchive } from '../service-data/archive.fixture.js';
import { podmanSkipReason } from '../testing/agent-test-bed.js';
import { dataRpcs } from './data-rpcs.js';
import { inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';

const run = promisify(execFile);
const skipReason = await podmanSkipReason();

/**
 * Puts the host's sqlite3 and the libraries it loads into `<serviceDir>/tools`, so a busybox container runs it
 * through the dynamic loader (`tools/ld.so --library-path tools tools/sqlite3`) with nothing mounted but its own
 * /srv/<service>/.
 */
async function installSqliteTools(serviceDir: string): Promise<void> {
  const tools = join(serviceDir, 'tools');
  await mkdir(tools, { recursive: true });
  const { stdout } = await run('ldd', ['/usr/bin/sqlite3']);
  await copyFile('/usr/bin/sqlite3', join(tools, 'sqlite3'));
  for (const line of stdout.split('\n')) {
    const library = /=>\s+(\/\S+)/.exec(line)?.[1];
    const loader = /^\s*(\/\S*ld-linux\S*)/.exec(line)?.[1];
    if (library !== undefined) await copyFile(library, join(tools, library.split('/').pop() ?? ''));
    if (loader !== undefined) await copyFile(loader, join(tools, 'ld.so'));
  }
}

/** Inserts rows 1, 2, 3, … one transaction each, as fast as it can, for as long as it runs (an insert that met a lock is retried). */
const WRITER = [
  'sh',
  '-c',
  'q() { /data/tools/ld.so --library-path /data/tools /data/tools/sqlite3 -cmd ".timeout 10000" /data/app.db "$1"; }; ' +
    'q "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"; ' +
    'i=0; while true; do i=$((i+1)); until q "INSERT INTO t (id, v) VALUES ($i, hex(randomblob(300)))"; do sleep 0.1; done; done',
];

function rowsIn(path: string): { count: number; min: number; max: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    const row = db.prepare('SELECT count(*) AS count, coalesce(min(id), 0) AS min, coalesce(max(id), 0) AS max FROM t').get() as {
      count: number; min: number; max: number;
    };
    return row;
  } finally {
    db.close();
  }
}

/** Rows written so far; 0 until the writer has made its table. */
function countSoFar(path: string): number {
  try {
    return rowsIn(path).count;
  } catch {
    return 0;
  }
}

describe.skipIf(skipReason !== undefined)(`service data of a running container${skipReason ? ` (${skipReason})` : ''}`, { timeout: 120_000 }, () => {
  let fixture: DeployFixture;
  let client: AgentClient;
  let spec: ServiceSpec;
  let serviceDir: string;

  beforeAll(async () => {
    fixture = await startDeployFixture();
    client = inMemoryClient({ ...fixture.deps, serviceData: { stepTimeoutMs: 1_500, maxEntryBytes: 1024 ** 3 } }, [dataRpcs]);
    const base = fixture.httpService();
    serviceDir = join(fixture.deps.files.root, base.name);
    await installSqliteTools(serviceDir);
    spec = {
      ...base,
      components: [{ ...base.components[0]!, name: 'writer', cmd: WRITER, routes: [], volumes: [`${serviceDir}:/data`] }],
    };
    const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
    if (!outcome.success) throw new Error(`deploy failed: ${outcome.results.map((result) => result.error).join('; ')}`);
    // Enough rows that the WAL holds some and a checkpoint has moved others into the main file.
    const deadline = Date.now() + 60_000;
    for (let rows = 0; rows < 300; rows = countSoFar(join(serviceDir, 'app.db'))) {
      if (Date.now() > deadline) throw new Error(`the writer container wrote ${rows} rows in 60 s: ${await fixture.bed.runtime.inspect(`${spec.name}-writer`).then((c) => c.state)}`);
      await delay(100);
    }
  }, 120_000);
  afterAll(async () => {
    await fixture.removeContainers();
    await fixture.close();
  });

  async function exportOf(snapshot?: { method: string; excludes: string[] }) {
    const chunks: Uint8Array[] = [];
    let summary: ExportSummary | undefined;
    const request = { service: spec.name, ...(snapshot === undefined ? {} : { snapshot: create(SnapshotConfigSchema, snapshot) }) };
    for await (const frame of client.exportServiceData(request)) {
      if (frame.data.byteLength > 0) chunks.push(frame.data);
      if (frame.summary !== undefined) summary = frame.summary;
    }
    const archive = Buffer.concat(chunks);
    return { archive, summary, entries: await listArchive(archive, join(fixture.bed.dir.path, `list-${Date.now()}.tar.zst`)) };
  }

  async function restore(service: string, archive: Uint8Array): Promise<string> {
    async function* frames() {
      yield create(ImportServiceDataRequestSchema, { service, force: true });
      for (const data of framesOf(archive)) yield create(ImportServiceDataRequestSchema, { data });
    }
    await client.importServiceData(frames());
    return join(fixture.deps.files.root, service);
  }

  it('takes a consistent copy while the container writes: integrity_check passes, the rows are a prefix of the writes, no -wal', async () => {
    const before = rowsIn(join(serviceDir, 'app.db')).count;
    const { archive, entries, summary } = await exportOf();
    const after = rowsIn(join(serviceDir, 'app.db')).count;
    expect(after).toBeGreaterThan(before); // the writer went on during the export
    expect(entries).toEqual(['app.db']);
    expect(summary?.databases).toEqual(['app.db']);

    const restored = join(await restore(`${spec.name}-copy`, archive), 'app.db');
    const db = new Database(restored, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const rows = rowsIn(restored);
    expect(rows.min).toBe(1);
    expect(rows.count).toBe(rows.max); // ids 1..n with no gap: a prefix of the writer's inserts
    expect(rows.count).toBeGreaterThanOrEqual(before);
    expect(rows.count).toBeLessThanOrEqual(after);
  });

  it('honours excludes with method "full" and still leaves out the -wal and -shm files', async () => {
    const { entries } = await exportOf({ method: 'full', excludes: ['tools'] });
    expect(entries).toEqual(['app.db']);
    const { entries: withTools } = await exportOf({ method: 'full', excludes: ['tools/lib*'] });
    expect(withTools).toEqual(['app.db', 'tools/', 'tools/ld.so', 'tools/sqlite3']);
  });

  it('runs the service\'s own step (exec) in its container first, and archives what it wrote', async () => {
    const method = 'exec: echo "taken = true" > /data/step.toml';
    const { entries, summary } = await exportOf({ method, excludes: ['tools'] });
    expect(summary?.serviceStep).toMatchObject({ status: ResultStatus.OK });
    expect(summary?.method).toBe(method);
    expect(entries).toEqual(['app.db', 'step.toml']);
  });

  it('fails the export when the step fails or outlives its bound, naming what ran', async () => {
    const failed = await exportOf({ method: 'exec: echo no space left >&2; exit 4', excludes: [] }).catch((error: unknown) => error);
    expect(ConnectError.from(failed).code).toBe(Code.FailedPrecondition);
    expect(ConnectError.from(failed).rawMessage).toMatch(/own snapshot step failed.*exited 4: no space left/);
    const slow = await exportOf({ method: 'exec: sleep 30', excludes: [] }).catch((error: unknown) => error);
    expect(ConnectError.from(slow).rawMessage).toMatch(/sleep 30 in .* did not finish within 1500 ms/);
    const cli = await exportOf({ method: 'cli', excludes: [] }).catch((error: unknown) => error);
    expect(ConnectError.from(cli).rawMessage).toContain(`${spec.name} snapshot in`);
    // A running service with method "grpc": no contract names a call, so the export refuses rather than copy files mid-write.
    const grpc = await exportOf({ method: 'grpc', excludes: [] }).catch((error: unknown) => error);
    expect(ConnectError.from(grpc).code).toBe(Code.FailedPrecondition);
    expect(ConnectError.from(grpc).rawMessage).toMatch(/snapshot method "grpc" names no call .* the service is running.*"cli" or "exec: <command>"/);
  });
});
