// ExportServiceData / ImportServiceData through the in-memory transport on real files, real zstd, real SQLite.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ImportServiceDataRequestSchema, SnapshotConfigSchema, type ExportSummary } from '@mcp/proto';
import { openTempRegistry, type TempRegistry } from '@mcp/registry/testing';
import { createPodmanRuntime } from '@mcp/runtime';
import { createTempDir, type TempDir } from '@mcp/testing';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../deps.js';
import { framesOf, listArchive, tarOf, tarZstOf, zstd } from '../service-data/archive.fixture.js';
import { captureLog } from '../testing/agent-test-bed.js';
import { dataRpcs } from './data-rpcs.js';
import { inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';

const MAX_ENTRY_BYTES = 1024 * 1024;

let dir: TempDir;
let temp: TempRegistry;
let root: string;
let client: AgentClient;

beforeEach(async () => {
  dir = await createTempDir('mcp-data-rpcs');
  temp = openTempRegistry();
  root = join(dir.path, 'srv');
  await mkdir(root);
  const deps: AgentDeps = {
    node: { name: 'data-node', role: 'worker', address: '127.0.0.1' },
    // The default method runs no step in a container: a runtime pointing nowhere proves it.
    runtime: createPodmanRuntime({ socketPath: join(dir.path, 'no-podman.sock') }),
    registry: temp.registry,
    clock: { now: () => new Date() },
    log: captureLog().log,
    files: { root, maxFileBytes: 4096 },
    serviceData: { stepTimeoutMs: 5_000, maxEntryBytes: MAX_ENTRY_BYTES },
    version: '0.0.0-test',
    startedAt: new Date(),
    listenAddress: '127.0.0.1:0',
  };
  client = inMemoryClient(deps, [dataRpcs]);
});

afterEach(async () => {
  temp.cleanup();
  await dir.remove();
});

async function exportOf(service: string, snapshot?: { method: string; excludes: string[] }) {
  const chunks: Uint8Array[] = [];
  let summary: ExportSummary | undefined;
  const request = { service, ...(snapshot === undefined ? {} : { snapshot: create(SnapshotConfigSchema, snapshot) }) };
  for await (const frame of client.exportServiceData(request)) {
    if (frame.data.byteLength > 0) chunks.push(frame.data);
    if (frame.summary !== undefined) summary = frame.summary;
  }
  const archive = Buffer.concat(chunks);
  return { archive, summary, entries: await listArchive(archive, join(dir.path, `list-${Date.now()}.tar.zst`)) };
}

async function* importFrames(service: string, archive: Uint8Array, force = false) {
  yield create(ImportServiceDataRequestSchema, { service, force });
  for (const data of framesOf(archive)) yield create(ImportServiceDataRequestSchema, { data });
}

async function failureOf(call: Promise<unknown>): Promise<ConnectError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

/** Every path under `path`, relative, sorted (links not followed). */
async function tree(path: string): Promise<string[]> {
  const entries = await readdir(path, { recursive: true });
  return entries.sort();
}

async function seedService(service: string): Promise<string> {
  const serviceDir = join(root, service);
  await mkdir(join(serviceDir, 'backups'), { recursive: true });
  await mkdir(join(serviceDir, 'keys'), { recursive: true });
  await mkdir(join(serviceDir, 'cache'), { recursive: true });
  await writeFile(join(serviceDir, 'app.toml'), 'name = "app"\n');
  await writeFile(join(serviceDir, 'keys', 'tls.pem'), 'PEM');
  await writeFile(join(serviceDir, 'notes.txt'), 'not in the default set');
  await writeFile(join(serviceDir, 'cache', 'big.bin'), 'cache');
  await writeFile(join(serviceDir, 'backups', 'old.db'), 'old backup');
  const db = new Database(join(serviceDir, 'app.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  for (let i = 0; i < 100; i += 1) insert.run(`row ${i}`);
  // Left open without a checkpoint: the rows live in app.db-wal, which the archive must not carry.
  return serviceDir;
}

describe('ExportServiceData', () => {
  it('archives the default set with a consistent copy of each SQLite file, leaving out -wal/-shm and backups/', async () => {
    await seedService('app');
    const { entries, summary, archive } = await exportOf('app');
    expect(entries).toEqual(['app.db', 'app.toml', 'keys/tls.pem']);
    expect(summary).toMatchObject({ files: 3, databases: ['app.db'], method: '', sizeBytes: BigInt(archive.byteLength) });
    expect(summary?.sha256).toBe(createHash('sha256').update(archive).digest('hex'));
    expect(summary?.serviceStep?.detail).toMatch(/has no step of the service's own/);
  });

  it('takes everything with method "full", honours excludes, and still leaves out -wal and backups/', async () => {
    const serviceDir = await seedService('app');
    await symlink('app.toml', join(serviceDir, 'current.toml'));
    await symlink('/etc/passwd', join(serviceDir, 'escape'));
    const { entries } = await exportOf('app', { method: 'full', excludes: ['cache', '*.txt'] });
    expect(entries).toEqual(['app.db', 'app.toml', 'current.toml', 'keys/', 'keys/tls.pem']);
  });

  it('takes the files of a service at rest with method "grpc": there is no call to make, and the summary says why', async () => {
    await seedService('app');
    const { entries, summary } = await exportOf('app', { method: 'grpc', excludes: [] });
    expect(entries).toEqual(['app.db', 'app.toml', 'cache/', 'cache/big.bin', 'keys/', 'keys/tls.pem', 'notes.txt']);
    expect(summary?.serviceStep).toMatchObject({ detail: 'service app is not deployed on this node' });
  });

  it('refuses an unknown snapshot method as invalid input, naming the field', async () => {
    await seedService('app');
    const error = await failureOf(exportOf('app', { method: 'rsync', excludes: [] }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/snapshot\.method "rsync".*expected "", "full", "grpc", "cli" or "exec: <command>"/);
  });

  it('answers NotFound for a service without a directory, and InvalidArgument for a bad name', async () => {
    expect((await failureOf(exportOf('absent'))).code).toBe(Code.NotFound);
    expect((await failureOf(exportOf('../etc'))).code).toBe(Code.InvalidArgument);
  });
});

describe('ImportServiceData', () => {
  it('restores an export into a new service directory: same files, same rows', async () => {
    await seedService('app');
    const { archive } = await exportOf('app', { method: 'full', excludes: [] });
    const answer = await client.importServiceData(importFrames('copy', archive));
    expect(answer).toMatchObject({ files: 5, archiveBytes: BigInt(archive.byteLength) });
    const copy = join(root, 'copy');
    expect(await tree(copy)).toEqual(['app.db', 'app.toml', 'cache', 'cache/big.bin', 'keys', 'keys/tls.pem', 'notes.txt']);
    const db = new Database(join(copy, 'app.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 100 });
    db.close();
    expect(await readdir(root)).toEqual(['app', 'copy']); // no staging directory left behind
  });

  it('refuses to replace existing data without force, and replaces it with force', async () => {
    await seedService('app');
    const { archive } = await exportOf('app');
    await mkdir(join(root, 'other'));
    await writeFile(join(root, 'other', 'keep.toml'), 'keep');
    const error = await failureOf(client.importServiceData(importFrames('other', archive)));
    expect(error.code).toBe(Code.AlreadyExists);
    expect(error.rawMessage).toMatch(/service other already has data in .*force/);
    expect(await readFile(join(root, 'other', 'keep.toml'), 'utf8')).toBe('keep');
    await client.importServiceData(importFrames('other', archive, true));
    expect(await tree(join(root, 'other'))).toEqual(['app.db', 'app.toml', 'keys', 'keys/tls.pem']);
  });

  it('takes an empty existing directory (made by a deploy) as no data', async () => {
    await seedService('app');
    const { archive } = await exportOf('app');
    await mkdir(join(root, 'fresh'));
    await client.importServiceData(importFrames('fresh', archive));
    expect(await tree(join(root, 'fresh'))).toContain('app.db');
  });

  it('keeps links that stay inside', async () => {
    const archive = await tarZstOf([
      { header: { name: 'data/a.toml' }, content: 'a' },
      { header: { name: 'current.toml', type: 'symlink', linkname: 'data/a.toml' } },
    ]);
    await client.importServiceData(importFrames('links', archive));
    expect(await readlink(join(root, 'links', 'current.toml'))).toBe('data/a.toml');
  });

  describe('refuses hostile archives, writing nothing outside its staging directory and keeping the old data', () => {
    const hostile: [string, () => Promise<Buffer>, RegExp][] = [
      ['a path that climbs out', () => tarZstOf([{ header: { name: '../escaped.txt' }, content: 'x' }]), /"\.\.\/escaped\.txt".*\.\./],
      ['a path that climbs out further down', () => tarZstOf([{ header: { name: 'a/../../escaped.txt' }, content: 'x' }]), /escaped/],
      ['an absolute path', () => tarZstOf([{ header: { name: '/tmp/escaped.txt' }, content: 'x' }]), /escaped/],
      ['a symlink out by an absolute target', () => tarZstOf([{ header: { name: 'l', type: 'symlink', linkname: '/etc' } }]), /symlink to "\/etc".*absolute/],
      ['a symlink out by ".."', () => tarZstOf([{ header: { name: 'l', type: 'symlink', linkname: '../..' } }]), /climbs/],
      [
        'a file written through a symlink of the archive',
        () =>
          tarZstOf([
            { header: { name: 'l', type: 'symlink', linkname: 'sub' } },
            { header: { name: 'l/x.txt' }, content: 'x' },
          ]),
        /lies below the symlink "l"/,
      ],
      ['a hard link', () => tarZstOf([{ header: { name: 'h', type: 'link', linkname: 'x' } }]), /type link/],
      ['a device', () => tarZstOf([{ header: { name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 } }]), /type character-device/],
      ['an oversized entry', () => tarZstOf([{ header: { name: 'big.db' }, content: new Uint8Array(MAX_ENTRY_BYTES + 1) }]), /is 1048577 bytes; expected at most 1048576/],
      ['a duplicated entry', () => tarZstOf([{ header: { name: 'a.toml' }, content: 'a' }, { header: { name: 'a.toml' }, content: 'b' }]), /appears twice/],
      [
        'a truncated zstd stream',
        async () => {
          const whole = await tarZstOf([{ header: { name: 'a.db' }, content: new Uint8Array(300_000).fill(7) }]);
          return whole.subarray(0, Math.floor(whole.byteLength / 2));
        },
        /not a complete tar\.zst archive \(zstd .*failed/,
      ],
      ['bytes that are not zstd', async () => tarOf([{ header: { name: 'a.toml' }, content: 'plain tar' }]), /not a complete tar\.zst archive \(zstd .*failed/],
      ['a tar cut short inside a valid zstd frame', async () => zstd(['-3'], (await tarOf([{ header: { name: 'a.toml' }, content: 'x'.repeat(5000) }])).subarray(0, 1500)), /not a complete tar\.zst archive/],
    ];

    for (const [what, make, message] of hostile) {
      it(what, async () => {
        const serviceDir = join(root, 'victim');
        await mkdir(serviceDir);
        await writeFile(join(serviceDir, 'app.toml'), 'original');
        const before = await tree(dir.path);
        const error = await failureOf(client.importServiceData(importFrames('victim', await make(), true)));
        expect(error.code).toBe(Code.InvalidArgument);
        expect(error.rawMessage).toMatch(message);
        expect(await tree(dir.path)).toEqual(before);
        expect(await readFile(join(serviceDir, 'app.toml'), 'utf8')).toBe('original');
        await expect(lstat(join(dir.path, 'escaped.txt'))).rejects.toThrow(/ENOENT/);
      });
    }
  });
});
