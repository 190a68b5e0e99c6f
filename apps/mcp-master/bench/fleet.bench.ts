// The master at fleet scale, in one run: `mcp deploy` through the master against `podman run -d`; `mcp ps` with 16
// real agents, 16 simulated and 1,000 simulated agents; the master's CPU while 1,000 simulated agents heartbeat.
import { startPodmanService } from '@mcp/runtime';
import {
  comparisonLines,
  createCleanupStack,
  createTempDir,
  ensureBusyboxImage,
  headerLine,
  interleaved,
  summarize,
  summaryLine,
  timeMs,
  uniqueName,
  uniqueNode,
  type DaemonProcess,
} from '@mcp/testing';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createFleetCredentials,
  httpServiceSpec,
  issueSimulatedAgentCertificate,
  operatorCli,
  startBenchAgent,
  startBenchMaster,
  waitForHealthy,
  type BenchMaster,
  type FleetCredentials,
  type OperatorCli,
} from './bench-fleet.js';
import { deployVersusPodmanRun } from './deploy-phase.js';
import { cpuWindowLines, measureCpuWindow } from './heartbeat-phase.js';
import { podman, removeContainersOf } from './podman.js';
import { processRssBytes } from './process-usage.js';
import { seedServices, timedCliStart, timedPs, timedStatus } from './ps-phase.js';
import { startSimulatedFleet, type SimulatedFleet } from './simulated-fleet.js';

const WARM_UPS = 3;
const DEPLOY_ROUNDS = 30;
const PS_ROUNDS = 20;
const PS_ROUNDS_LARGE = 10;
/** A listing of 1,000 nodes takes over a second: fewer warm-ups there (the connections are open after the first). */
const WARM_UPS_LARGE = 2;
const REAL_AGENTS = 16;
const SIMULATED_AGENTS = 1000;
/** Real agents started at once (each is a Node process opening its registry and registering). */
const AGENT_START_CONCURRENCY = 4;
/** The agents' default heartbeat period (the master's health.heartbeat_interval_ms). */
const HEARTBEAT_MS = 30_000;
/** Ten times the default rate, to see the cost per heartbeat above the master's idle load more sharply. */
const COMPRESSED_HEARTBEAT_MS = 3_000;
const IDLE_WINDOW_S = 10;
/** Two thirds of the default period, from its start: the agents whose slots fall in it beat once each (33.3 per second). */
const NORMAL_WINDOW_S = 20;
const COMPRESSED_WINDOW_S = 6;

const cleanups = createCleanupStack();
let interrupted = false;

async function cleanUp(): Promise<void> {
  for (const error of await cleanups.run()) {
    console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // `on`, not `once`: a Ctrl-C reaches this process both from the terminal and relayed by tsx.
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const mebibytes = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(0)} MiB`;

/** A master with 16 real agents (built bundles, one shared podman service); stopped again by `stop`. */
async function startRealFleet(dir: string, credentials: FleetCredentials, nodes: readonly string[]) {
  const podmanService = await startPodmanService({ socketPath: join(dir, 'podman.sock') });
  cleanups.push(() => podmanService.stop());
  const master = await startBenchMaster({ dir: join(dir, 'master-real'), node: uniqueName('master'), credentials, allowNodes: nodes });
  cleanups.push(() => master.process.stop());
  // Runs after every agent has stopped (the stack unwinds in reverse), so no deploy is half-way when containers go.
  cleanups.push(() => removeContainersOf(nodes));
  const portBase = 40_000 + Math.floor(Math.random() * 16) * 1000;
  const startedMs = performance.now();
  const agents: DaemonProcess[] = [];
  for (let first = 0; first < nodes.length; first += AGENT_START_CONCURRENCY) {
    const batch = nodes.slice(first, first + AGENT_START_CONCURRENCY).map((node, offset) => {
      const window = portBase + (first + offset) * 50;
      const ports = { first: window, last: window + 49 };
      return startBenchAgent({ dir: join(dir, node), node, credentials, masterAddress: master.address, podmanSocket: podmanService.socketPath, ports });
    });
    for (const agent of await Promise.all(batch)) {
      agents.push(agent);
      cleanups.push(() => agent.stop());
    }
  }
  await waitForHealthy(master.client, nodes);
  const readyMs = performance.now() - startedMs;
  const cli = await operatorCli(join(dir, 'cli-real'), master.address, credentials);
  // Frees the cores for the simulated fleet; the cleanup steps find everything already stopped.
  const stop = async (): Promise<void> => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await master.process.stop();
    await removeContainersOf(nodes);
    await podmanService.stop();
  };
  return { master, cli, readyMs, stop };
}

/** `mcp ps` with one container on each real agent, against podman's own listing of the same containers. */
async function psWithRealAgents(fleet: { master: BenchMaster; cli: OperatorCli }, nodes: readonly string[], image: string): Promise<string[]> {
  const prefix = uniqueName('bench-ps');
  await seedServices(fleet.master.client, nodes.map((node, index) => httpServiceSpec(`${prefix}-${index}`, image, node)));
  const podmanPs = (): Promise<number> =>
    timeMs(async () => {
      const listed = JSON.parse(await podman('ps', '-a', '--filter', `name=${prefix}`, '--format', 'json')) as unknown[];
      if (listed.length !== nodes.length) throw new Error(`podman ps listed ${listed.length} of the ${nodes.length} containers`);
    });
  const cases = [timedPs(fleet.cli, nodes.length), podmanPs, timedCliStart(fleet.cli)];
  const [ps, podmanBaseline, cliStart] = (await interleaved(cases, { count: PS_ROUNDS, warmUps: WARM_UPS })).map(summarize);
  return [
    `mcp ps with ${nodes.length} real agents, one container each (every answer checked: ${nodes.length} rows, all running):`,
    headerLine(),
    summaryLine('podman ps -a --format json (1 host, baseline)', podmanBaseline!),
    summaryLine(`mcp ps, ${nodes.length} real agents`, ps!),
    ...comparisonLines(ps!, podmanBaseline!),
    summaryLine('mcp --version (the CLI starting, floor)', cliStart!),
  ];
}

interface SimulatedBed {
  readonly master: BenchMaster;
  readonly fleet: SimulatedFleet;
  readonly cli: OperatorCli;
  readonly nodes: readonly string[];
}

/** A second master, for simulated agents only (max_nodes raised to their number), and the process hosting them. */
async function startSimulatedBed(dir: string, credentials: FleetCredentials, nodes: readonly string[]): Promise<SimulatedBed> {
  const master = await startBenchMaster({
    dir: join(dir, 'master-simulated'),
    node: uniqueName('master'),
    credentials,
    allowNodes: nodes,
    maxNodes: nodes.length,
    // One heartbeat per second per node is allowed (default one per 10 s), for the compressed window.
    rateLimits: { heartbeatMs: 1000 },
  });
  cleanups.push(() => master.process.stop());
  const certificate = await issueSimulatedAgentCertificate(credentials, join(dir, 'simulated-tls'));
  const config = {
    masterAddress: master.address,
    caPath: credentials.authority.certPath,
    certPath: certificate.chainPath,
    keyPath: certificate.keyPath,
    tokenFile: credentials.tokenFile,
    agents: nodes.map((node) => ({ node, token: credentials.tokens.agents[node] ?? '' })),
    heartbeatIntervalMs: HEARTBEAT_MS,
  };
  const fleet = await startSimulatedFleet(config, join(dir, 'simulated-agents.log'));
  cleanups.push(() => fleet.stop());
  const cli = await operatorCli(join(dir, 'cli-simulated'), master.address, credentials);
  return { master, fleet, cli, nodes };
}

/** `mcp ps` and the master's Status RPC with 16 simulated agents, then with all of them: one service per node. */
async function psAtScale(bed: SimulatedBed, image: string): Promise<string[]> {
  const { master, fleet, cli, nodes } = bed;
  const prefix = uniqueName('bench-sim');
  const small = REAL_AGENTS;
  const seed = (from: number, to: number) =>
    seedServices(master.client, nodes.slice(from, to).map((node, offset) => httpServiceSpec(`${prefix}-${from + offset}`, image, node)));
  const measure = (count: number, rounds: number, warmUps: number) =>
    interleaved([timedPs(cli, count), timedStatus(master.client, count)], { count: rounds, warmUps }).then((samples) => samples.map(summarize));
  await fleet.grow(small);
  await seed(0, small);
  const [ps16, status16] = await measure(small, PS_ROUNDS, WARM_UPS);
  const grownMs = await timeMs(() => fleet.grow(nodes.length));
  const seededMs = await timeMs(() => seed(small, nodes.length));
  const [psAll, statusAll] = await measure(nodes.length, PS_ROUNDS_LARGE, WARM_UPS_LARGE);
  const versus = (lines: string[]) => lines.map((line) => line.replace('the baseline', `${small} agents`));
  return [
    'Simulated agents: one process hosting them all, each a real gRPC server over TLS 1.3 on its own loopback port',
    'serving the McpAgentService subset the master calls (Deploy, UndeployService, GetServiceStatus, ListServices,',
    "NodeStatus, HealthCheck) from in-memory data, with the agents' auth policy; each registered under its own identity.",
    `${nodes.length - small} more registered and sent a first heartbeat in ${seconds(grownMs)}; ` +
      `${nodes.length - small} services deployed through the master in ${seconds(seededMs)}.`,
    '',
    'mcp ps through the master, one service per node (every answer checked: one row per node, all running):',
    headerLine(),
    summaryLine(`mcp ps, ${small} simulated agents`, ps16!),
    summaryLine(`mcp ps, ${nodes.length} simulated agents`, psAll!),
    ...versus(comparisonLines(psAll!, ps16!)),
    summaryLine(`master Status RPC, ${small} agents (connected)`, status16!),
    summaryLine(`master Status RPC, ${nodes.length} agents (connected)`, statusAll!),
    ...versus(comparisonLines(statusAll!, status16!)),
  ];
}

/** The master's CPU with every simulated agent registered: no heartbeats, the default period, a compressed one. */
async function heartbeatCpu(bed: SimulatedBed): Promise<string[]> {
  const { fleet, nodes } = bed;
  const masterPid = bed.master.process.pid;
  const idle = await measureCpuWindow({ label: 'no heartbeats (idle)', fleet, masterPid, intervalMs: 0, seconds: IDLE_WINDOW_S, settleMs: 1000 });
  const normal = await measureCpuWindow({
    label: `every ${HEARTBEAT_MS / 1000} s (the default)`,
    fleet,
    masterPid,
    intervalMs: HEARTBEAT_MS,
    seconds: NORMAL_WINDOW_S,
    settleMs: 0,
  });
  const compressed = await measureCpuWindow({
    label: `every ${COMPRESSED_HEARTBEAT_MS / 1000} s (${HEARTBEAT_MS / COMPRESSED_HEARTBEAT_MS}× compressed)`,
    fleet,
    masterPid,
    intervalMs: COMPRESSED_HEARTBEAT_MS,
    seconds: COMPRESSED_WINDOW_S,
    settleMs: 1000,
  });
  await fleet.setHeartbeatInterval(HEARTBEAT_MS);
  return [
    `Master CPU with ${nodes.length} simulated agents heartbeating, spread evenly over the period (/proc/<pid>/stat utime + stime;`,
    `"of one core" = CPU time / window; "per heartbeat" = CPU above the idle window's rate / heartbeats answered):`,
    ...cpuWindowLines([idle, normal, compressed], idle),
    `master resident memory with ${nodes.length} nodes and ${nodes.length} services: ${mebibytes(await processRssBytes(masterPid))}`,
  ];
}

async function main(): Promise<void> {
  const startedMs = performance.now();
  const image = await ensureBusyboxImage();
  const dir = await createTempDir('mcp-bench-fleet');
  cleanups.push(() => dir.remove());
  const realNodes = Array.from({ length: REAL_AGENTS }, () => uniqueNode());
  const simulatedPrefix = uniqueName('sim');
  const simulatedNodes = Array.from({ length: SIMULATED_AGENTS }, (_, index) => `${simulatedPrefix}-${index}`);
  const credentials = await createFleetCredentials(dir.path, [...realNodes, ...simulatedNodes]);
  const version = (await podman('version', '--format', '{{.Client.Version}}')).trim();
  console.log(
    `the master at fleet scale on real podman ${version}: ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}, image ${image}, ` +
      `${WARM_UPS} warm-ups per case; built bundles (mcp, mcp-master, mcp-agent) over gRPC/TLS 1.3 on loopback, log level info`,
  );
  console.log('');
  const print = (lines: readonly string[]): void => {
    for (const line of [...lines, '']) console.log(line);
  };
  const real = await startRealFleet(dir.path, credentials, realNodes);
  print([`${realNodes.length} real agents started, registered and healthy in ${seconds(real.readyMs)}`]);
  print(await deployVersusPodmanRun({ cli: real.cli, master: real.master.client, image, cleanups, rounds: DEPLOY_ROUNDS, warmUps: WARM_UPS }));
  print(await psWithRealAgents(real, realNodes, image));
  await real.stop();
  const bed = await startSimulatedBed(dir.path, credentials, simulatedNodes);
  print(await psAtScale(bed, image));
  print(await heartbeatCpu(bed));
  console.log(`(measured in ${seconds(performance.now() - startedMs)}, cleanup after)`);
}

try {
  await main();
} catch (error) {
  if (!interrupted) console.error(`fleet bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
