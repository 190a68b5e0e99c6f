// `mcp migrate` of a service with 100 MiB of data between two real workers, broken into the steps the master reports
// (MigrateStream), against what an operator would do by hand on the same machine in the same run: stop the container,
// `tar | zstd -3 -T1 | zstd -d | tar -x` of the same directory into another, start the container again.
import { create } from '@bufbuild/protobuf';
import { ServiceSpecSchema, type ServiceSpec } from '@mcp/proto';
import { startPodmanService } from '@mcp/runtime';
import { createCleanupStack, createTempDir, ensureBusyboxImage, uniqueName, uniqueNode, type DaemonProcess } from '@mcp/testing';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createFleetCredentials, startBenchAgent, startBenchMaster, waitForHealthy, type MasterClient } from './bench-fleet.js';
import { podman, removeContainersOf } from './podman.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const ROUNDS = 3;
const HTTP_COMMAND = ['sh', '-c', 'exec httpd -f -p $PORT -h /www'];
/** The steps in the order the master reports them; export and import stream into each other and end together. */
const STEPS = ['validate', 'stop', 'export', 'import', 'cleanup', 'dns', 'deploy', 'edge_route', 'placement'] as const;

/** Log-like text (zstd -3 gets about 4:1 on it). */
function textLike(bytes: number): Buffer {
  const words = ['service', 'node', 'deploy', 'ok', 'failed', 'route', 'port', 'worker', 'snapshot', 'sqlite'];
  const parts: string[] = [];
  let size = 0;
  for (let line = 0; size < bytes; line += 1) {
    const text = `${new Date(1_700_000_000_000 + line * 997).toISOString()} ${words[line % words.length]} ${line} ${randomBytes(6).toString('hex')}\n`;
    parts.push(text);
    size += text.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** 100 MiB under `dir`: 40 MiB incompressible, 30 MiB of text, 30 MiB of SQLite (half random, half text rows). */
async function makeData(dir: string): Promise<number> {
  await mkdir(join(dir, 'logs'), { recursive: true });
  await writeFile(join(dir, 'media.bin'), randomBytes(40 * MiB));
  for (let index = 0; index < 3; index += 1) await writeFile(join(dir, 'logs', `app-${index}.log`), textLike(10 * MiB));
  await writeFile(join(dir, 'app.toml'), 'name = "bench"\n');
  const db = new Database(join(dir, 'app.db'));
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const text = textLike(1000);
  db.transaction(() => {
    for (let row = 0; row < 30 * 1024; row += 1) insert.run(row % 2 === 0 ? randomBytes(1000) : text);
  })();
  db.close();
  const { stdout } = await run('du', ['-sb', dir]);
  return Number(stdout.split('\t')[0]);
}

/** A worker-tier service whose snapshot method `full` takes every file of /srv/<service>/ (not only *.toml|*.db|*.pem). */
function serviceSpec(name: string, image: string): ServiceSpec {
  return create(ServiceSpecSchema, {
    name,
    active: true,
    tier: 'worker',
    snapshot: { method: 'full', excludes: [] },
    components: [{ name: 'web', image, runtime: 'container', cmd: HTTP_COMMAND, routes: [{ name: 'http', port: 8443, mode: 'l4' }] }],
  });
}

interface MigrateTimes {
  readonly totalMs: number;
  /** Milliseconds from the previous step's report (the call, for the first) to this step's. */
  readonly steps: ReadonlyMap<string, number>;
  readonly bytes: number;
  /**
   * Inside the transfer, by the master's progress reports (one per 4 MiB of archive relayed, and one at the end):
   * stop report → the first (the source starting, VACUUM INTO of a SQLite file met first, the first 4 MiB).
   */
  readonly firstByteMs: number;
  /** First → last progress report. */
  readonly streamMs: number;
  /** Last progress report → the import's report (the target finishing zstd -d and tar, swapping the directory in). */
  readonly finishMs: number;
}

/** One MigrateStream call, timing each step report as it arrives; a failed migrate is an error. */
async function timedMigrate(client: MasterClient, service: string, target: string): Promise<MigrateTimes> {
  const steps = new Map<string, number>();
  const started = performance.now();
  let last = started;
  let bytes = 0;
  const marks = { stop: 0, firstByte: 0, lastByte: 0, import: 0 };
  for await (const frame of client.migrateStream({ serviceName: service, targetNode: target, force: true })) {
    const now = performance.now();
    if (frame.event.case === 'progress') {
      bytes = Math.max(bytes, Number(frame.event.value.bytes));
      if (marks.firstByte === 0) marks.firstByte = now;
      marks.lastByte = now;
    }
    if (frame.event.case === 'step') {
      const step = frame.event.value.step.slice(service.length + 1);
      steps.set(step, now - last);
      last = now;
      if (step === 'stop' || step === 'import') marks[step] = now;
    }
    if (frame.event.case === 'done' && !frame.event.value.success) throw new Error(`migrate ${service} to ${target} failed: ${frame.event.value.error}`);
  }
  return {
    totalMs: performance.now() - started,
    steps,
    bytes,
    firstByteMs: marks.firstByte - marks.stop,
    streamMs: marks.lastByte - marks.firstByte,
    finishMs: marks.import - marks.lastByte,
  };
}

interface ByHand {
  readonly stopMs: number;
  readonly copyMs: number;
  readonly startMs: number;
}

/** The operator's way on one machine: podman stop, tar | zstd | zstd -d | tar -x, podman rm + run -d. */
async function byHand(data: string, into: string, image: string, name: string, port: number): Promise<ByHand> {
  await rm(into, { recursive: true, force: true });
  await mkdir(into, { recursive: true });
  await podman('run', '-d', '--init', '--name', name, '-p', `127.0.0.1:${port}:${port}`, image, 'sh', '-c', `exec httpd -f -p ${port} -h /www`);
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  await podman('stop', '-t', '10', name);
  const stopMs = lap();
  const pipe = `set -o pipefail; tar -C ${JSON.stringify(data)} -cf - . | zstd -3 -T1 -q -c | zstd -d -q -c | tar -C ${JSON.stringify(into)} -xf -`;
  await run('bash', ['-c', pipe]);
  const copyMs = lap();
  await podman('rm', '-f', '-t', '0', name);
  await podman('run', '-d', '--init', '--name', name, '-p', `127.0.0.1:${port}:${port}`, image, 'sh', '-c', `exec httpd -f -p ${port} -h /www`);
  const startMs = lap();
  await podman('rm', '-f', '-t', '0', name);
  return { stopMs, copyMs, startMs };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ms = (value: number): string => `${value.toFixed(0).padStart(6)} ms`;
const pad = (text: string): string => text.padEnd(34);

const cleanups = createCleanupStack();
const work = await createTempDir('mcp-migrate-bench');
cleanups.push(() => work.remove());
try {
  const nodes = [uniqueNode(), uniqueNode()];
  const credentials = await createFleetCredentials(work.path, nodes);
  const [image, podmanService] = await Promise.all([ensureBusyboxImage(), startPodmanService({ socketPath: join(work.path, 'podman.sock') })]);
  cleanups.push(() => podmanService.stop());
  const master = await startBenchMaster({ dir: join(work.path, 'master'), node: uniqueName('master'), credentials, allowNodes: nodes });
  cleanups.push(() => master.process.stop());
  cleanups.push(() => removeContainersOf(nodes));
  const portBase = 40_000 + Math.floor(Math.random() * 16) * 1000;
  const agents: DaemonProcess[] = await Promise.all(
    nodes.map((node, index) =>
      startBenchAgent({
        dir: join(work.path, node),
        node,
        credentials,
        masterAddress: master.address,
        podmanSocket: podmanService.socketPath,
        ports: { first: portBase + index * 50, last: portBase + index * 50 + 49 },
      }),
    ),
  );
  for (const agent of agents) cleanups.push(() => agent.stop());
  await waitForHealthy(master.client, nodes);

  const service = uniqueName('bench-migrate');
  const deployed = await master.client.deploy({ service: serviceSpec(service, image), noPull: true });
  if (!deployed.success) throw new Error(`deploy ${service}: ${deployed.error}`);
  console.log(`migrate: preparing 100 MiB in /srv/${service}/ on ${deployed.node} …`);
  const total = await makeData(join(work.path, deployed.node, 'srv', service));
  const scratch = join(work.path, 'by-hand');
  console.log(`load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} (2 cores: figures vary with other work on the machine)`);

  // Taking turns: a migrate (to the other worker, then back), then the same by hand; the page cache is warm for both.
  const migrates: MigrateTimes[] = [];
  const hands: ByHand[] = [];
  let at = deployed.node;
  const byHandName = uniqueName('bench-by-hand');
  cleanups.push(() => podman('rm', '-f', '-t', '0', byHandName).then(() => undefined));
  for (let round = 0; round < ROUNDS; round += 1) {
    const target = nodes.find((node) => node !== at) ?? at;
    migrates.push(await timedMigrate(master.client, service, target));
    at = target;
    hands.push(await byHand(join(work.path, at, 'srv', service), scratch, image, byHandName, portBase + 999));
  }

  const stepMs = (step: string): number => median(migrates.map((times) => times.steps.get(step) ?? 0));
  const totalMs = median(migrates.map((times) => times.totalMs));
  const hand = { stop: median(hands.map((h) => h.stopMs)), copy: median(hands.map((h) => h.copyMs)), start: median(hands.map((h) => h.startMs)) };
  const handTotal = hand.stop + hand.copy + hand.start;
  console.log(`  ${(total / MiB).toFixed(1)} MiB in /srv/${service}/ (40 random, 30 text, 30 SQLite), ${ROUNDS} migrates between two workers, medians:`);
  for (const step of STEPS) {
    const note = step === 'export' ? ' (export and import stream into each other: the transfer)' : step === 'import' ? ' (after the export: the target\'s answer)' : '';
    console.log(`  ${pad(`step ${step}`)}${ms(stepMs(step))}${note}`);
    if (step === 'export') {
      const inside = (pick: (times: MigrateTimes) => number): string => ms(median(migrates.map(pick)));
      console.log(`  ${pad('  to the first 4 MiB relayed')}${inside((times) => times.firstByteMs)} (the source starting, VACUUM INTO met first)`);
      console.log(`  ${pad('  then to the last byte relayed')}${inside((times) => times.streamMs)} (${(median(migrates.map((times) => times.bytes)) / MiB).toFixed(1)} MiB of archive)`);
      console.log(`  ${pad('  last byte to the import report')}${inside((times) => times.finishMs)} (the target finishing, swapping in)`);
    }
  }
  console.log(`  ${pad('migrate, whole call')}${ms(totalMs)}  (${(total / MiB / (totalMs / 1000)).toFixed(0)} MiB/s of service data)`);
  console.log('  by hand on the same machine (baseline):');
  console.log(`  ${pad('podman stop -t 10')}${ms(hand.stop)}`);
  console.log(`  ${pad('tar | zstd -3 -T1 | zstd -d | tar -x')}${ms(hand.copy)}`);
  console.log(`  ${pad('podman rm + podman run -d')}${ms(hand.start)}`);
  console.log(`  ${pad('by hand, together')}${ms(handTotal)}`);
  const transfer = stepMs('export') + stepMs('import');
  console.log(`  ratios: transfer (export + import) ${(transfer / hand.copy).toFixed(2)}× the tar | zstd copy; ` +
    `stop ${(stepMs('stop') / hand.stop).toFixed(2)}× podman stop; deploy ${(stepMs('deploy') / hand.start).toFixed(2)}× podman run; ` +
    `whole migrate ${(totalMs / handTotal).toFixed(2)}× by hand`);
} finally {
  for (const error of await cleanups.run()) {
    console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
