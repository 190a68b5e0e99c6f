// `mcp deploy` of a public service through the master (place, agent deploy, DNS, edge route with a fresh ACME
// certificate, record) against the same service with its route not public, on a whole local fleet from the built
// programs (`mcp dev up`: real master and agents, podman, HAProxy, pebble, PowerDNS). The cases take turns; after
// each timed deploy, untimed, the service is undeployed (so every public deploy obtains a new certificate). Per step,
// the master's own timings (`stepMs` of its 'deploy finished' log line). Prints figures; asserts nothing.
import { comparisonLines, createCleanupStack, createTempDir, ensureAppBuilt, headerLine, interleaved, summarize, summaryLine, timeMs, uniqueName, workspaceRoot } from '@mcp/testing';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROUNDS = 8;
const WARM_UPS = 1;
const STEPS = ['place', 'deploy', 'dns', 'edge_route', 'record'] as const;

const run = promisify(execFile);
const cleanups = createCleanupStack();

async function main(): Promise<void> {
  const [mcpBin] = await Promise.all([ensureAppBuilt('mcp'), ensureAppBuilt('mcp-master'), ensureAppBuilt('mcp-agent')]);
  await run('bash', [join(workspaceRoot, 'scripts/build-example-image.sh')]);
  const home = await createTempDir('mcp-bench-edge');
  cleanups.push(() => home.remove());
  const fleetDir = join(home.path, 'fleet');
  const env = { ...process.env, HOME: home.path, MCP_CONFIG: join(fleetDir, 'mcp.toml') };
  const mcp = async (...args: string[]) => (await run(process.execPath, [mcpBin, ...args], { env, maxBuffer: 16 << 20 })).stdout;
  await mcp('dev', 'up', '--dir', fleetDir);
  cleanups.push(() => mcp('dev', 'down', '--dir', fleetDir));

  const example = await readFile(join(workspaceRoot, 'examples/services/www.toml'), 'utf8');
  const publicService = uniqueName('bench-pub');
  const internalService = uniqueName('bench-int');
  // Not public: the route is the worker's own, under the internal name (the name a public route gets there too), so
  // both cases obtain the worker's certificate; only the public one adds the edge's.
  const definition = (name: string, isPublic: boolean) =>
    example
      .replace('name = "www"', `name = "${name}"`)
      .replace('hostname = "www.example.test"', `hostname = "${name}.${isPublic ? 'example.test' : 'svc.mcp.test'}"`)
      .replace('public = true', `public = ${isPublic}`);
  await writeFile(join(fleetDir, 'services', `${publicService}.toml`), definition(publicService, true));
  await writeFile(join(fleetDir, 'services', `${internalService}.toml`), definition(internalService, false));
  for (const name of [publicService, internalService]) {
    cleanups.push(async () => {
      await mcp('undeploy', name).catch(() => undefined);
      await run('podman', ['rm', '-f', '-t', '0', `${name}-web`]).catch(() => undefined);
    });
  }

  const stepTimes = new Map<string, Record<string, number>[]>([[publicService, []], [internalService, []]]);
  const masterLog = join(fleetDir, 'master', 'master.log');
  const lastStepMs = async (service: string): Promise<Record<string, number>> => {
    const lines = (await readFile(masterLog, 'utf8')).split('\n').filter((line) => line.includes('"deploy finished"') && line.includes(`"service":"${service}"`));
    const last = JSON.parse(lines.at(-1) ?? '{}') as { stepMs?: Record<string, number>; error?: string };
    if (last.error !== undefined) throw new Error(`deploy of ${service} failed: ${last.error}`);
    return last.stepMs ?? {};
  };
  const deployCase = (service: string) => async (): Promise<number> => {
    const ms = await timeMs(() => mcp('deploy', '--no-pull', service));
    stepTimes.get(service)?.push(await lastStepMs(service));
    await mcp('undeploy', service);
    return ms;
  };
  const [baseline, measured] = (await interleaved([deployCase(internalService), deployCase(publicService)], { count: ROUNDS, warmUps: WARM_UPS })).map(summarize);

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length === 0 ? 0 : (sorted[Math.floor((sorted.length - 1) / 2)] ?? 0);
  };
  // The warm-up rounds' timings are dropped as interleaved drops their wall times.
  const stepMedian = (service: string, step: string) => median((stepTimes.get(service) ?? []).slice(WARM_UPS).map((times) => times[step] ?? 0));
  const lines = [
    `Deploy through the master on a dev fleet (${ROUNDS} rounds after ${WARM_UPS} warm-up, cases taking turns; undeploy untimed after each).`,
    'baseline: the same service with its route not public (no edge route; the dev fleet master always keeps DNS, so its dns',
    'step is in both and shown on its own). measured: public = true (edge node: ACME certificate from pebble, HAProxy route).',
    headerLine(),
    summaryLine('mcp deploy, route not public (baseline)', baseline!),
    summaryLine('mcp deploy, public route via the edge', measured!),
    ...comparisonLines(measured!, baseline!),
    'per step, median ms in the master (stepMs):   not public   public   added',
    ...STEPS.map((step) => {
      const a = stepMedian(internalService, step);
      const b = stepMedian(publicService, step);
      return `  ${step.padEnd(12)} ${a.toFixed(1).padStart(28)} ${b.toFixed(1).padStart(8)} ${(b - a).toFixed(1).padStart(7)}`;
    }),
    `  dns step against no DNS at all: + ${stepMedian(publicService, 'dns').toFixed(1)} ms (a master without [dns] skips it)`,
  ];
  for (const line of lines) console.log(line);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanups.run());
