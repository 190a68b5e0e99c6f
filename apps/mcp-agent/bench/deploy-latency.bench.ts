// Agent latency on real podman against podman's own CLI in the same run: Deploy, then ListServices and LiveCheck.
import { create } from '@bufbuild/protobuf';
import { createClient, type Client } from '@connectrpc/connect';
import { ComponentSpecSchema, DeployRequestSchema, McpAgentService, RouteSpecSchema, ServiceSpecSchema } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { NODE_LABEL } from '@mcp/runtime';
import {
  comparisonLines,
  createTempDir,
  ensureBusyboxImage,
  freeLoopbackPort,
  headerLine,
  interleaved,
  signedMs,
  summarize,
  summaryLine,
  timeMs,
  uniqueName,
} from '@mcp/testing';
import { clientTlsOptions } from '@mcp/tls';
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startBenchAgent } from './bench-agent.js';

const WARM_UPS = 3;
const DEPLOYS = 100;
const QUERIES = 100;
const SERVICES = 20;
const TARGET_P99_OVERHEAD_MS = 15;

type AgentClient = Client<typeof McpAgentService>;

function podman(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('podman', args, { maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`podman ${args.join(' ')} failed: ${stderr.trim()}`, { cause: error })),
    );
  });
}

/** Undone in reverse order, once, whether the run ends normally, fails or is interrupted. */
const cleanups: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;
async function runCleanups(): Promise<void> {
  for (let task = cleanups.pop(); task !== undefined; task = cleanups.pop()) {
    await task().catch((error: unknown) => {
      console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
  }
}
/** The signal handler and the main path both wait for the same single pass. */
function cleanUp(): Promise<void> {
  cleaning ??= runCleanups();
  return cleaning;
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

async function removeNodeContainers(node: string): Promise<void> {
  const ids = (await podman('ps', '-aq', '--filter', `label=${NODE_LABEL}=${node}`)).split('\n').filter((id) => id !== '');
  if (ids.length > 0) await podman('rm', '-f', '-t', '0', ...ids);
}

/** One component serving HTTP on its one route's host port, as an operator's smallest service would. */
function httpService(name: string, image: string) {
  return create(ServiceSpecSchema, {
    name,
    active: true,
    tier: 'worker',
    components: [
      create(ComponentSpecSchema, {
        name: 'web',
        image,
        runtime: 'container',
        cmd: ['sh', '-c', 'exec httpd -f -p $PORT -h /www'],
        routes: [create(RouteSpecSchema, { name: 'http', port: 8443, mode: 'l4' })],
      }),
    ],
  });
}

async function deploy(client: AgentClient, name: string, image: string): Promise<void> {
  const answer = await client.deploy(create(DeployRequestSchema, { service: httpService(name, image), noPull: true }));
  if (!answer.success) throw new Error(`Deploy of ${name} failed: ${JSON.stringify(answer.results)}`);
}

async function undeploy(client: AgentClient, name: string): Promise<void> {
  const answer = await client.undeployService({ service: name });
  if (!answer.success) throw new Error(`UndeployService of ${name} failed: ${JSON.stringify(answer.steps)}`);
}

async function deployLatency(client: AgentClient, image: string): Promise<string[]> {
  const container = uniqueName('bench-podman');
  const port = await freeLoopbackPort();
  cleanups.push(() => podman('rm', '-f', '-i', '-t', '0', container));
  const service = uniqueName('bench-deploy');
  const podmanRun = async (): Promise<number> => {
    const ms = await timeMs(() =>
      podman('run', '-d', '--init', '--name', container, '-p', `127.0.0.1:${port}:${port}`, image, 'sh', '-c', `exec httpd -f -p ${port} -h /www`),
    );
    await podman('rm', '-f', '-t', '0', container);
    return ms;
  };
  const agentDeploy = async (): Promise<number> => {
    const ms = await timeMs(() => deploy(client, service, image));
    await undeploy(client, service);
    return ms;
  };
  const [baseline, measured] = (await interleaved([podmanRun, agentDeploy], { count: DEPLOYS, warmUps: WARM_UPS })).map(summarize);
  // Forget the service so that the next phase lists exactly its own.
  await client.purgeComponent({ service });
  const overheadMs = measured!.p99Ms - baseline!.p99Ms;
  const verdict = overheadMs <= TARGET_P99_OVERHEAD_MS ? 'met' : 'MISSED';
  return [
    'Deploy: a fresh container each time; each side removes its container after the timed call, untimed',
    '(podman rm -f -t 0; agent UndeployService), so neither includes stopping an old one.',
    headerLine(),
    summaryLine('podman run -d --init -p … (CLI, baseline)', baseline!),
    summaryLine('agent Deploy, 1 component, 1 route, no_pull', measured!),
    ...comparisonLines(measured!, baseline!),
    `target: agent p99 − podman p99 ≤ ${TARGET_P99_OVERHEAD_MS} ms → ${verdict} (${signedMs(overheadMs)})`,
  ];
}

async function queryLatency(client: AgentClient, image: string, node: string): Promise<string[]> {
  const prefix = uniqueName('bench-list');
  for (let index = 0; index < SERVICES; index += 1) await deploy(client, `${prefix}-${index}`, image);
  const expect = (what: string, seen: number): void => {
    if (seen !== SERVICES) throw new Error(`${what} saw ${seen} of the ${SERVICES} services deployed`);
  };
  const podmanPs = (): Promise<number> =>
    timeMs(async () => {
      const listed = JSON.parse(await podman('ps', '-a', '--filter', `label=${NODE_LABEL}=${node}`, '--format', 'json')) as unknown[];
      expect('podman ps', listed.length);
    });
  const liveCheck = (): Promise<number> =>
    timeMs(async () => expect('LiveCheck', (await client.liveCheck({ service: '' })).instances.length));
  const listServices = (): Promise<number> => timeMs(async () => expect('ListServices', (await client.listServices({})).services.length));
  const [ps, live, list] = (await interleaved([podmanPs, liveCheck, listServices], { count: QUERIES, warmUps: WARM_UPS })).map(summarize);
  return [
    `With ${SERVICES} containers deployed through the agent (the same ${SERVICES} listed by every call):`,
    headerLine(),
    summaryLine('podman ps -a --format json (CLI, baseline)', ps!),
    summaryLine('agent LiveCheck, every service', live!),
    ...comparisonLines(live!, ps!),
    summaryLine('agent ListServices (registry only)', list!),
  ];
}

async function main(): Promise<void> {
  const startedMs = performance.now();
  const image = await ensureBusyboxImage();
  const dir = await createTempDir('mcp-bench-agent');
  cleanups.push(() => dir.remove());
  const agent = await startBenchAgent(dir.path);
  // The agent stops first, so that no deploy of its own is half-way when its containers are removed.
  cleanups.push(() => removeNodeContainers(agent.node));
  cleanups.push(() => agent.stop());
  const tls = await clientTlsOptions({ caPath: agent.caPath });
  const client = createClient(McpAgentService, createGrpcClientTransport({ address: agent.address, tls, token: () => agent.operatorToken }));
  const version = (await podman('version', '--format', '{{.Client.Version}}')).trim();
  console.log(
    `agent on real podman ${version}: ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}, image ${image}, ` +
      `${WARM_UPS} warm-ups per case; the agent is the built bundle over gRPC/TLS with the operator token`,
  );
  console.log('');
  for (const text of await deployLatency(client, image)) console.log(text);
  console.log('');
  for (const text of await queryLatency(client, image, agent.node)) console.log(text);
  console.log('');
  console.log(`(measured in ${((performance.now() - startedMs) / 1000).toFixed(1)} s, cleanup after)`);
}

try {
  await main();
} catch (error) {
  if (!interrupted) console.error(`deploy-latency bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
