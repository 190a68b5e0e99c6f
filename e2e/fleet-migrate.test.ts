// Snapshots and migration through a real master onto two real workers (podman, SQLite, zstd): a database pushed
// to one worker moves with its service to the other and is pulled back row for row; a dead source migrates from
// the latest snapshot; a migrate whose import fails leaves the service running on its source; restore in place.
import { ResultStatus, type MigrateResponse, type StepResult } from '@mcp/proto';
import { createTempDir, ensureBusyboxImage, uniqueName, type TempDir } from '@mcp/testing';
import Database from 'better-sqlite3';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import { busyboxService, containerNameOf } from './support/busybox-service.js';
import { startFleet, type Fleet } from './support/fleet-process.js';
import { containersOf, podman, podmanUnavailable } from './support/podman.js';

const skip = await podmanUnavailable();

let fleet: Fleet;
let image: string;
let workers: AgentProcess[];
let scratch: TempDir;

/** A SQLite file with `rows` rows tagged `tag`, as bytes. */
async function database(tag: string, rows: number): Promise<Buffer> {
  const path = join(scratch.path, `${uniqueName('db')}.db`);
  const db = new Database(path);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i += 1) insert.run(`${tag} ${i}`);
  })();
  db.close();
  return readFile(path);
}

/** Every row of a database's table `t`, in id order. */
async function rowsOf(bytes: Uint8Array): Promise<unknown[]> {
  const path = join(scratch.path, `${uniqueName('pulled')}.db`);
  await writeFile(path, bytes);
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return db.prepare('SELECT id, v FROM t ORDER BY id').all();
  } finally {
    db.close();
  }
}

function agentOf(node: string): AgentProcess {
  const agent = fleet.agents.find((candidate) => candidate.node === node);
  if (agent === undefined) throw new Error(`no agent for node ${node}`);
  return agent;
}

async function deploy(service: string): Promise<string> {
  const answer = await fleet.masterClient().deploy({ service: busyboxService({ name: service, image }), noPull: true });
  expect(answer.success, `deploy ${service}: ${answer.error}\n${await fleet.diagnostics()}`).toBe(true);
  return answer.node;
}

async function push(node: string, service: string, path: string, content: Uint8Array): Promise<void> {
  await fleet.agentClient(agentOf(node)).pushFile({ service, path, content });
}

async function pull(node: string, service: string, path: string): Promise<Uint8Array> {
  return (await fleet.agentClient(agentOf(node)).pullFile({ service, path })).content;
}

/** The node whose agent runs the service's container, by the label the agent put on it. */
async function runningOn(service: string): Promise<string[]> {
  return (await containersOf({ service })).filter((container) => container.state === 'running').map((container) => container.labels['mcp.node'] ?? '?');
}

/** MigrateStream, collecting the steps as they came and the final answer. */
async function migrate(service: string, target: string, force = false): Promise<{ steps: StepResult[]; done: MigrateResponse }> {
  const steps: StepResult[] = [];
  let done: MigrateResponse | undefined;
  for await (const frame of fleet.masterClient().migrateStream({ serviceName: service, targetNode: target, force })) {
    if (frame.event.case === 'step') steps.push(frame.event.value);
    if (frame.event.case === 'done') done = frame.event.value;
  }
  if (done === undefined) throw new Error('MigrateStream ended without its last frame');
  return { steps, done };
}

function other(node: string): string {
  const found = workers.find((worker) => worker.node !== node);
  if (found === undefined) throw new Error('needs two workers');
  return found.node;
}

describe.skipIf(skip !== undefined)(`snapshots and migration through the master${skip === undefined ? '' : ` (${skip})`}`, { timeout: 180_000 }, () => {
  beforeAll(async () => {
    [fleet, image, scratch] = await Promise.all([
      startFleet({ name: 'mcp-e2e-fleet-migrate', agents: [{ role: 'worker' }, { role: 'worker' }] }),
      ensureBusyboxImage(),
      createTempDir('mcp-e2e-migrate'),
    ]);
    workers = fleet.byRole('worker');
  }, 180_000);

  afterAll(async () => {
    await fleet?.close();
    await scratch?.remove();
  });

  it('moves a service with its database to the other worker: same rows there, running there and not here, placement and status agree', async () => {
    const service = uniqueName('moved');
    const source = await deploy(service);
    const target = other(source);
    const db = await database('moved', 500);
    await push(source, service, 'app.db', db);
    await push(source, service, 'app.toml', Buffer.from('name = "moved"\n'));

    const { steps, done } = await migrate(service, target);
    expect(done.success, `${done.error}\n${await fleet.diagnostics()}`).toBe(true);
    expect(steps.map((step) => step.step)).toEqual(
      ['validate', 'stop', 'export', 'import', 'cleanup', 'dns', 'deploy', 'edge_route', 'placement'].map((step) => `${service}/${step}`),
    );
    expect(await rowsOf(await pull(target, service, 'app.db'))).toEqual(await rowsOf(db));
    expect(Buffer.from(await pull(target, service, 'app.toml')).toString()).toBe('name = "moved"\n');
    expect(await runningOn(service)).toEqual([target]);
    const status = await fleet.masterClient().status({ serviceName: service });
    expect(status.services.map((entry) => entry.node)).toEqual([target]);
  });

  it('keeps the service running on its source when the import fails, and moves it with --force', async () => {
    const service = uniqueName('kept');
    const source = await deploy(service);
    const target = other(source);
    await push(source, service, 'app.db', await database('kept', 50));
    await push(target, service, 'stale.toml', Buffer.from('left over'));

    const { done } = await migrate(service, target);
    expect(done.success).toBe(false);
    const steps = done.services[0]?.steps ?? [];
    expect(steps.find((step) => step.step === 'import')).toMatchObject({ status: ResultStatus.FAILED, error: expect.stringMatching(/already has data/) });
    expect(steps.find((step) => step.step === 'restart_source')).toMatchObject({ status: ResultStatus.OK });
    expect(await runningOn(service)).toEqual([source]);
    expect((await fleet.masterClient().status({ serviceName: service })).services[0]?.node).toBe(source);

    const forced = await migrate(service, target, true);
    expect(forced.done.success, forced.done.error).toBe(true);
    expect(await runningOn(service)).toEqual([target]);
  });

  it('keeps snapshots in the catalogue, lists them newest first, and restores one in place', async () => {
    const service = uniqueName('snap');
    const node = await deploy(service);
    const first = await database('first', 20);
    await push(node, service, 'app.db', first);
    const taken = await fleet.masterClient().createSnapshot({ serviceName: service });
    await push(node, service, 'app.db', await database('second', 30));
    const frames = [];
    for await (const frame of fleet.masterClient().createSnapshotStream({ serviceName: service })) frames.push(frame);
    expect(frames.at(-1)?.event.case).toBe('done');

    const listed = (await fleet.masterClient().listSnapshots({ serviceName: service })).snapshots;
    expect(listed).toHaveLength(2);
    expect(listed[1]).toMatchObject({ filename: taken.filename, node, sizeBytes: taken.sizeBytes });
    expect(listed[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);

    const restoreFrames = [];
    for await (const frame of fleet.masterClient().restoreSnapshot({ serviceName: service, filename: taken.filename })) restoreFrames.push(frame);
    const last = restoreFrames.at(-1)?.event;
    expect(last?.case === 'done' && last.value.success, last?.case === 'done' ? last.value.error : 'no last frame').toBe(true);
    expect(await rowsOf(await pull(node, service, 'app.db'))).toEqual(await rowsOf(first));
    expect(await runningOn(service)).toEqual([node]);
  });

  it('migrates from the latest snapshot when the source agent is dead, and says so', async () => {
    const service = uniqueName('rescued');
    const source = await deploy(service);
    const target = other(source);
    const db = await database('rescued', 100);
    await push(source, service, 'app.db', db);
    const snapshot = await fleet.masterClient().createSnapshot({ serviceName: service });
    // The node dies: its agent, and its containers with it (one podman serves every node of this fleet).
    await agentOf(source).kill('SIGKILL');
    await podman('rm', '--force', containerNameOf(service));
    try {
      const { steps, done } = await migrate(service, target);
      expect(done.success, done.error).toBe(true);
      expect(done.services[0]?.snapshotFilename).toBe(snapshot.filename);
      const exported = steps.find((step) => step.step === `${service}/export`);
      expect(exported?.detail).toMatch(new RegExp(`source unreachable .*latest stored snapshot ${snapshot.filename.replace(/\./g, '\\.')}`));
      expect(steps.find((step) => step.step === `${service}/stop`)?.status).toBe(ResultStatus.SKIPPED);
      expect(await rowsOf(await pull(target, service, 'app.db'))).toEqual(await rowsOf(db));
      expect((await fleet.masterClient().status({ serviceName: service })).services[0]?.node).toBe(target);
    } finally {
      await agentOf(source).restart();
    }
  });
});
