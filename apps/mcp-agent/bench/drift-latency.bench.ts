// Drift detection latency on real podman: an out-of-band `podman kill`, then how long until the monitor has recorded
// the transition, and until the alert command runs. The monitor runs in this process on a private podman API service,
// with its production code path (event stream → observation under the service lock → registry → alert).
import { readFile, writeFile, chmod } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ServiceSpec } from '@mcp/registry';
import { headerLine, summarize, summaryLine, uniqueName } from '@mcp/testing';
import { deployService } from '../src/deploy.js';
import { createAlertRunner } from '../src/monitor/alert-runner.js';
import { Monitor } from '../src/monitor/monitor.js';
import { withServiceLock } from '../src/service-lock.js';
import { podmanCli, startAgentTestBed, type AgentTestBed } from '../src/testing/agent-test-bed.js';

const WARM_UPS = 3;
const RUNS = 30;
const TARGET_P99_MS = 2000;
const POLL_MS = 2;
const DEADLINE_MS = 30_000;

/** Polls until `probe` is true; returns Date.now() at that moment. */
async function until(what: string, probe: () => boolean | Promise<boolean>): Promise<number> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(POLL_MS);
  }
  return Date.now();
}

async function alertTimes(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.startsWith('drift '))
    .map((line) => Number(line.slice('drift '.length)));
}

interface Sample {
  readonly fromKillMs: number;
  readonly fromDeathMs: number;
  readonly alertFromDeathMs: number;
}

async function measure(bed: AgentTestBed, spec: ServiceSpec, alertFile: string): Promise<Sample> {
  const { registry } = bed.deps;
  const container = `${spec.name}-app`;
  const observed = (): string | undefined => registry.findService(spec.name)?.components[0]?.observed.state;
  const alertsBefore = (await alertTimes(alertFile)).length;
  const killedAt = Date.now();
  const kill = podmanCli('kill', container);
  const detectedAt = await until('the recorded drift', () => observed() === 'exited');
  await kill;
  const diedAt = (await bed.runtime.inspect(container)).finishedAt?.getTime() ?? killedAt;
  await until('the alert command', async () => (await alertTimes(alertFile)).length > alertsBefore);
  const alertedAt = (await alertTimes(alertFile))[alertsBefore] ?? Number.NaN;
  await podmanCli('start', container);
  await until('the recorded recovery', () => observed() === 'running');
  return { fromKillMs: detectedAt - killedAt, fromDeathMs: detectedAt - diedAt, alertFromDeathMs: alertedAt - diedAt };
}

async function main(): Promise<void> {
  const bed = await startAgentTestBed();
  const monitor: { current?: Monitor } = {};
  try {
    const alertFile = join(bed.dir.path, 'alerts.txt');
    const notify = join(bed.dir.path, 'notify');
    // The alert command notes when it ran (milliseconds, the same clock as Date.now()).
    await writeFile(notify, `#!/bin/sh\necho "$MCP_ALERT_KIND $(date +%s%3N)" >> ${alertFile}\n`);
    await chmod(notify, 0o755);
    const spec: ServiceSpec = {
      name: uniqueName('bench-drift'),
      active: true,
      tier: 'worker',
      snapshot: { method: '', exclude: [] },
      components: [{ name: 'app', image: bed.image, runtime: 'container', vcpus: 1, ports: [], volumes: [], env: [], cmd: ['sleep', '3600'], routes: [] }],
    };
    await withServiceLock(bed.deps.registry, spec.name, () => deployService(bed.deps, { spec, pull: 'never' }));
    monitor.current = new Monitor({
      deps: bed.deps,
      // The default sweep interval: what is measured is the event stream, the sweep being the safety net.
      settings: {
        sweepIntervalMs: 10_000,
        eventRetentionMs: 24 * 3600_000,
        alerts: { flapping: { windowMs: 60_000, maxTransitions: 1_000_000 }, cooldownMs: 0, recoverySettleMs: 0 },
      },
      alertRunner: createAlertRunner({ command: [notify], timeoutMs: 10_000, environment: { PATH: '/usr/bin:/bin' } }),
    });
    monitor.current.start();
    await monitor.current.sweepNow();
    const samples: Sample[] = [];
    for (let run = 0; run < WARM_UPS + RUNS; run += 1) {
      const sample = await measure(bed, spec, alertFile);
      if (run >= WARM_UPS) samples.push(sample);
    }
    const fromKill = summarize(samples.map((sample) => sample.fromKillMs));
    const fromDeath = summarize(samples.map((sample) => sample.fromDeathMs));
    const alert = summarize(samples.map((sample) => sample.alertFromDeathMs));
    const verdict = `target ≤ ${TARGET_P99_MS} ms at p99: ${fromKill.p99Ms <= TARGET_P99_MS ? 'met' : 'MISSED'}`;
    console.log(
      `drift detection on real podman: ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}, ${WARM_UPS} warm-ups, ` +
        `registry polled every ${POLL_MS} ms, sweeps every 10 s (the event stream detects)`,
    );
    console.log('');
    console.log(headerLine());
    console.log(summaryLine('podman kill issued → transition recorded', fromKill));
    console.log(summaryLine('container died → transition recorded', fromDeath));
    console.log(summaryLine('container died → alert command running', alert));
    console.log(`  ${verdict}`);
  } finally {
    await monitor.current?.stop();
    await bed.stop();
  }
}

try {
  await main();
} catch (error) {
  console.error(`drift-latency bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
