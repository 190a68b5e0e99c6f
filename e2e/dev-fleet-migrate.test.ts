// Migration as an operator does it: `mcp dev up --workers 2` starts a fleet with two workers from the built programs,
// and the built CLI pushes a database to a service, migrates the service to the other worker, pulls the database back
// from there (same rows), and `mcp ps` and the placement agree with what podman runs. Through the same CLI: a migrate
// whose import fails leaves the service running on its source, and a migrate from a node whose agent was killed uses
// the latest snapshot and says so. Real processes, real podman, real SQLite files, TLS on loopback.
import { createTempDir, requireRuntime, uniqueName, type TempDir } from '@mcp/testing';
import Database from 'better-sqlite3';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersOf } from './support/podman.js';
import { binOf, ensureBuilt, repo, run, type Run } from './support/programs.js';

const skip = await requireRuntime('podman', async () => {
  const probe = await run('podman', ['version', '--format', '{{.Client.Version}}']);
  return probe.exitCode === 0 ? { available: true, version: probe.stdout.trim() } : { available: false, reason: probe.stderr.trim() };
});

let dir: TempDir;
let fleetDir: string;
const services: string[] = [];
const workers = ['worker', 'worker-2'];

function mcp(...args: string[]): Promise<Run> {
  return run(process.execPath, [binOf('mcp'), ...args], {
    env: { ...process.env, HOME: dir.path, MCP_CONFIG: join(fleetDir, 'mcp.toml') },
    cwd: dir.path,
    timeoutMs: 180_000,
  });
}

/** Runs the CLI and fails the test with everything it printed when it does not exit 0. */
async function mcpOk(...args: string[]): Promise<Run> {
  const result = await mcp(...args);
  expect(result.exitCode, `mcp ${args.join(' ')} (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`).toBe(0);
  return result;
}

/**
 * The example service under a name of its own, written into the fleet's services/ as an operator would. Its l7 route
 * needs a certificate of `<service>.svc.mcp.test` on whichever worker it lands: the master points that name at the
 * node before the agent deploys, so Pebble's http-01 validation reaches the right worker.
 */
async function newService(prefix: string): Promise<string> {
  const service = uniqueName(prefix);
  services.push(service);
  const example = await readFile(join(repo, 'examples/services/hello.toml'), 'utf8');
  const definition = example.replace("name = 'hello'", `name = '${service}'`);
  if (!definition.includes('mode = "l7"')) throw new Error('examples/services/hello.toml no longer has the l7 route this test relies on');
  await writeFile(join(fleetDir, 'services', `${service}.toml`), definition);
  return service;
}

/** Deploys through the master and answers the node the master placed it on. */
async function deploy(service: string): Promise<string> {
  const deployed = await mcpOk('deploy', '--no-pull', service);
  const node = /^ {2}place: ok \(node ([\w-]+): /m.exec(deployed.stdout)?.[1];
  if (node === undefined || !workers.includes(node)) throw new Error(`deploy ${service} placed it on ${String(node)}:\n${deployed.stdout}`);
  return node;
}

function other(node: string): string {
  return node === 'worker' ? 'worker-2' : 'worker';
}

/** A SQLite file in the scratch dir with `rows` rows tagged `tag`; answers its path. */
function database(tag: string, rows: number): string {
  const path = join(dir.path, `${uniqueName(tag)}.db`);
  const db = new Database(path);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, b BLOB)');
  const insert = db.prepare('INSERT INTO t (v, b) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i += 1) insert.run(`${tag} ${i} é`, Buffer.from([i % 256, 0, 255, (i * 7) % 256]));
  })();
  db.close();
  return path;
}

/** Every row of table `t`, in id order, after an integrity check (the blobs compare byte for byte). */
function rowsOf(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return db.prepare('SELECT id, v, b FROM t ORDER BY id').all();
  } finally {
    db.close();
  }
}

/** Nodes whose agent runs a container of the service, by the labels the agent put on it. */
async function runningOn(service: string): Promise<string[]> {
  return (await containersOf({ service })).filter((container) => container.state === 'running').map((container) => container.labels['mcp.node'] ?? '?');
}

/** The master's placement of the service, as `mcp status --json` reports it. */
async function placedOn(service: string): Promise<string[]> {
  const status = await mcpOk('status', service, '--json');
  const answer = JSON.parse(status.stdout) as { response: { services?: { node?: string }[] } };
  return (answer.response.services ?? []).map((entry) => entry.node ?? '?');
}

/** The NODE column of `mcp ps <service>`'s rows. */
async function psNodes(service: string): Promise<string[]> {
  const ps = await mcp('ps', service);
  return ps.stdout
    .split('\n')
    .filter((line) => line.startsWith(`${service} `))
    .map((line) => line.split(/\s+/)[2] ?? '?');
}

/** `mcp ps` shows what agents last reported: waits until it shows `expected` (or says what it showed last). */
async function psSettlesOn(service: string, expected: string[]): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const nodes = await psNodes(service);
    if (JSON.stringify(nodes) === JSON.stringify(expected) || Date.now() > deadline) return nodes;
    await delay(500);
  }
}

async function agentPid(node: string): Promise<number> {
  return Number((await readFile(join(fleetDir, node, 'agent.pid'), 'utf8')).trim());
}

beforeAll(async () => {
  if (skip !== undefined) return;
  dir = await createTempDir('mcp-e2e-dev-fleet-migrate');
  fleetDir = join(dir.path, 'fleet');
  await Promise.all([ensureBuilt('mcp'), ensureBuilt('mcp-master'), ensureBuilt('mcp-agent')]);
  const image = await run('bash', [join(repo, 'scripts/build-example-image.sh')]);
  if (image.exitCode !== 0) throw new Error(`scripts/build-example-image.sh failed:\n${image.stderr}`);
  const up = await mcp('dev', 'up', '--dir', fleetDir, '--workers', '2');
  if (up.exitCode !== 0) throw new Error(`mcp dev up --workers 2 failed (exit ${up.exitCode}):\n${up.stdout}${up.stderr}`);
});

afterAll(async () => {
  if (skip !== undefined) return;
  if (fleetDir !== undefined) await mcp('dev', 'down', '--dir', fleetDir);
  const names = services.map((service) => `${service}-web`);
  // --ignore: a service whose deploy failed has no container, and podman 4 would then remove none of the others.
  if (names.length > 0) await run('podman', ['rm', '--force', '--ignore', '-t', '0', ...names]);
  await dir?.remove();
});

describe.skipIf(skip !== undefined)('mcp migrate on a dev fleet with two workers, through the built CLI', { timeout: 240_000 }, () => {
  it('has two healthy workers', async () => {
    const listed = JSON.parse((await mcpOk('node', 'list', '--json')).stdout) as { response: { nodes: { name: string; role: string; status: string }[] } };
    expect(listed.response.nodes.filter((node) => node.role === 'worker').map(({ name, status }) => ({ name, status }))).toEqual(
      workers.map((name) => ({ name, status: 'healthy' })),
    );
  });

  it('moves a pushed database with its service; pulled back from the target it has the same rows; ps, placement and podman agree', async () => {
    const service = await newService('moved');
    const source = await deploy(service);
    const target = other(source);
    const db = database('moved', 2000);
    const pushed = await mcpOk('push', db, service, 'app.db');
    expect(pushed.stdout).toContain(`pushed ${db} to ${source}:/srv/${service}/app.db`);

    const moved = await mcpOk('migrate', service, '--to', target);
    const steps = moved.stdout.split('\n').flatMap((line) => /^ {2}([\w-]+)\/(\w+): /.exec(line)?.slice(2, 3) ?? []);
    expect(steps).toEqual(['validate', 'stop', 'export', 'import', 'cleanup', 'dns', 'deploy', 'edge_route', 'placement']);
    expect(moved.stdout).toMatch(new RegExp(`^ {2}${service}/export: ok \\(exported live from node ${source}`, 'm'));
    expect(moved.stdout).toContain(`${service}: moved ${source} → ${target}`);

    const back = join(dir.path, `${service}-pulled.db`);
    const pulled = await mcpOk('pull', service, 'app.db', back);
    expect(pulled.stdout).toContain(`pulled ${target}:/srv/${service}/app.db`);
    expect(rowsOf(back)).toEqual(rowsOf(db));

    expect(await runningOn(service)).toEqual([target]);
    expect(await placedOn(service)).toEqual([target]);
    expect(await psSettlesOn(service, [target])).toEqual([target]);
  });

  it('leaves the service running on its source when the import fails, and says why', async () => {
    const service = await newService('kept');
    const source = await deploy(service);
    const target = other(source);
    await mcpOk('push', database('kept', 50), service, 'app.db');
    // The target already holds data of this service: without --force the import refuses it.
    const stale = join(dir.path, `${service}-stale.toml`);
    await writeFile(stale, 'left over\n');
    await mcpOk('push', stale, service, 'stale.toml', '--node', target);

    const refused = await mcp('migrate', service, '--to', target);
    expect(refused.exitCode, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stdout).toMatch(new RegExp(`^ {2}${service}/import: failed: .*already has data`, 'm'));
    expect(refused.stdout).toMatch(new RegExp(`^ {2}${service}/restart_source: ok`, 'm'));
    expect(await runningOn(service)).toEqual([source]);
    expect(await placedOn(service)).toEqual([source]);
    expect(await psSettlesOn(service, [source])).toEqual([source]);
  });

  it('migrates from the latest snapshot when the source agent was killed, and the output says so', async () => {
    const service = await newService('rescued');
    const source = await deploy(service);
    const target = other(source);
    const db = database('rescued', 300);
    await mcpOk('push', db, service, 'app.db');
    const taken = await mcpOk('snapshot', service);
    const filename = new RegExp(`^ {2}${service}: (\\S+\\.tar\\.zst) `, 'm').exec(taken.stdout)?.[1];
    expect(filename, taken.stdout).toBeDefined();

    // The source node dies: its agent with -9, and the service's container with it.
    process.kill(await agentPid(source), 'SIGKILL');
    await run('podman', ['rm', '-f', '-t', '0', `${service}-web`]);
    try {
      const moved = await mcpOk('migrate', service, '--to', target);
      expect(moved.stdout).toMatch(new RegExp(`^ {2}${service}/stop: skipped`, 'm'));
      expect(moved.stdout).toContain(`using the latest stored snapshot ${filename ?? '?'}`);
      expect(moved.stdout).toContain(`${service}: moved ${source} → ${target} (from snapshot ${filename ?? '?'}: the source was unreachable)`);

      const back = join(dir.path, `${service}-pulled.db`);
      await mcpOk('pull', service, 'app.db', back);
      expect(rowsOf(back)).toEqual(rowsOf(db));
      expect(await runningOn(service)).toEqual([target]);
      expect(await placedOn(service)).toEqual([target]);
    } finally {
      // Brings the killed agent back (it takes over its podman service), so that dev down stops everything.
      await mcp('dev', 'up', '--dir', fleetDir);
    }
  });
});
