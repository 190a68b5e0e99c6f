// A local fleet of real processes: one mcp-master and N mcp-agents on loopback, short health periods, one shared
// podman service; ready once every agent has registered and heartbeated. Everything is cleaned up, even on failure.
import { createClient, type Client } from '@connectrpc/connect';
import { McpAgentService, McpMasterService, type NodeInfo } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { createTempDir, uniqueName } from '@mcp/testing';
import { clientTlsOptions } from '@mcp/tls';
import { setTimeout as delay } from 'node:timers/promises';
import { createTestFleet, startAgentProcess, type AgentProcess, type TestFleet } from './agent-process.js';
import type { LogLine } from './daemon-process.js';
import { startMasterProcess, type MasterProcess, type MasterProcessOptions } from './master-process.js';
import { removeContainersOf, startPodmanService, type PodmanService } from './podman.js';
import { ensureBuilt } from './programs.js';

export type NodeRole = 'master' | 'worker' | 'edge';

/**
 * Short periods so a test sees a dead agent within seconds: silence of unhealthyAfterMs, noticed within
 * checkPeriodMs, then a probe of at most probeTimeoutMs. Rate limits are off: agents restart and re-register.
 */
export const FLEET_HEALTH = { heartbeatIntervalMs: 1000, unhealthyAfterMs: 5000, probeTimeoutMs: 3000, checkPeriodMs: 500 } as const;

export interface FleetAgentSpec {
  readonly role: NodeRole;
  readonly node?: string;
}

export interface StartFleetOptions {
  /** Prefix of the fleet's temporary directory. */
  readonly name: string;
  /** Started in this order; at most one with role master (its node is the master's node.name). */
  readonly agents: readonly FleetAgentSpec[];
  /** Nodes that get a token in the fleet's token file but no agent (for agents started later by the test). */
  readonly spareNodes?: readonly string[];
  /** Nodes on the master's allow-list besides every agent of `agents`. */
  readonly allowNodes?: readonly string[];
  /** Registries the fleet's podman pulls from over plain HTTP (a local test registry). */
  readonly insecureRegistries?: readonly string[];
  /** The master's `[dns]` (the internal zone it keeps service records in) and its repair period. */
  readonly dns?: MasterProcessOptions['dns'];
}

export interface Fleet {
  readonly dir: string;
  /** CA, token file and tokens. */
  readonly credentials: TestFleet;
  readonly master: MasterProcess;
  /** Every agent started, in the order they became ready (including those started later with startAgent). */
  readonly agents: readonly AgentProcess[];
  /** The agents of a role, sorted by node name (the order placement breaks ties in). */
  byRole(role: NodeRole): AgentProcess[];
  /** A client of the master as the operator (a human identity), over gRPC and TLS 1.3. */
  masterClient(): Client<typeof McpMasterService>;
  /** A client of an agent as the operator, as `mcp --direct` would call it. */
  agentClient(agent: AgentProcess): Client<typeof McpAgentService>;
  /** Starts one more agent with a [master] section; `presenting` names the node whose token it uses (default its own). */
  startAgent(options: { node: string; role: NodeRole; presenting?: string }): Promise<AgentProcess>;
  /** Polls ListNodes until each node (default: every agent) is listed healthy; returns the listing. */
  waitForHealthy(nodes?: readonly string[]): Promise<NodeInfo[]>;
  /**
   * Waits until the master has recorded two heartbeats of each node sent after now, and returns ListNodes then.
   * Placement counts containers from heartbeats; a heartbeat is measured after the previous one was answered, so
   * the second one counts every container that ran when this was called.
   */
  heartbeatsCaughtUp(nodes: readonly string[]): Promise<NodeInfo[]>;
  /** Polls `probe` until it returns a value; on timeout fails with the fleet's recent log lines. */
  waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  /** The last interesting log lines of the master and of every agent, for assertion messages. */
  diagnostics(): Promise<string>;
  /** Stops every process, removes the fleet's containers (by node label), its podman service and its files. */
  close(): Promise<void>;
}

/** Heartbeats and probes drown what matters in a diagnostic. */
function isNoise(line: LogLine): boolean {
  const rpc = typeof line['rpc'] === 'string' ? line['rpc'] : '';
  return line['msg'] === 'rpc audit' && /\/(Heartbeat|NodeStatus|HealthCheck|ListNodes|GetServiceStatus)$/.test(rpc);
}

async function lastLines(name: string, lines: Promise<LogLine[]>, count = 12): Promise<string> {
  const kept = (await lines).filter((line) => !isNoise(line)).slice(-count);
  return `--- ${name} ---\n${kept.map((line) => JSON.stringify(line)).join('\n')}`;
}

async function diagnosticsOf(master: MasterProcess, agents: readonly AgentProcess[]): Promise<string> {
  const parts = [lastLines(`master ${master.node} (pid ${String(master.pid())})`, master.logLines())];
  for (const agent of agents) parts.push(lastLines(`agent ${agent.node} (pid ${String(agent.pid())})`, agent.logLines()));
  return (await Promise.all(parts)).join('\n');
}

/** Polls `probe` every 200 ms until it returns a value; a probe that throws counts as "not yet". */
async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; diagnostics: () => Promise<string> },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${why}\n${await options.diagnostics()}`);
    }
    await delay(200);
  }
}

/** A probe of ListNodes that answers once the master recorded two heartbeats of each node sent after now. */
function twoHeartbeatsProbe(list: () => Promise<NodeInfo[]>, nodes: readonly string[]): () => Promise<NodeInfo[] | undefined> {
  const since = new Date();
  const first = new Map<string, string>();
  return async () => {
    const listed = await list();
    let caughtUp = true;
    for (const name of nodes) {
      const beat = listed.find((node) => node.name === name)?.lastHeartbeat ?? '';
      if (beat === '' || new Date(beat) <= since) caughtUp = false;
      else if (!first.has(name)) first.set(name, beat);
      if (first.get(name) === beat) caughtUp = false;
    }
    return caughtUp ? listed : undefined;
  };
}

/** Stops what was started, in reverse, and always tries every step; the first failures are reported together. */
async function cleanUp(steps: readonly (() => Promise<unknown>)[]): Promise<void> {
  const problems: unknown[] = [];
  for (const step of steps) await step().catch((error: unknown) => void problems.push(error));
  if (problems.length > 0) throw new AggregateError(problems, 'cleaning up the test fleet failed');
}

/** Starts the master, then every agent, and waits until all are registered and healthy. */
export async function startFleet(options: StartFleetOptions): Promise<Fleet> {
  if (options.agents.filter((agent) => agent.role === 'master').length > 1) throw new Error('startFleet: at most one agent with role master');
  const specs = options.agents.map((agent) => ({ role: agent.role, node: agent.node ?? uniqueName(agent.role) }));
  const masterNode = specs.find((agent) => agent.role === 'master')?.node ?? uniqueName('master');
  const spare = options.spareNodes ?? [];
  const dir = await createTempDir(options.name);
  const agents: AgentProcess[] = [];
  const roles = new Map<string, NodeRole>();
  let master: MasterProcess | undefined;
  let podman: PodmanService | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= cleanUp([
      () => Promise.all(agents.map((agent) => agent.stop())),
      async () => master?.stop(),
      () => removeContainersOf([...new Set([...specs.map((agent) => agent.node), ...spare, ...agents.map((agent) => agent.node)])]),
      async () => podman?.stop(),
      () => dir.remove(),
    ]));

  try {
    const credentials = await createTestFleet(dir.path, [masterNode, ...specs.map((agent) => agent.node), ...spare]);
    const tls = await clientTlsOptions({ caPath: credentials.authority.certPath });
    await ensureBuilt('mcp-agent');
    const registries = options.insecureRegistries ?? [];
    podman = await startPodmanService({ dir: dir.path, insecureRegistries: registries });
    const socketPath = podman.socketPath;
    const allowNodes = [...specs.map((agent) => agent.node), ...(options.allowNodes ?? [])];
    const runningMaster = await startMasterProcess({
      dir: dir.path,
      node: masterNode,
      credentials,
      allowNodes,
      health: FLEET_HEALTH,
      rateLimits: { registerMs: 0, heartbeatMs: 0 },
      ...(options.dns === undefined ? {} : { dns: options.dns }),
    });
    master = runningMaster;

    const startAgent = async (spec: { node: string; role: NodeRole; presenting?: string }): Promise<AgentProcess> => {
      const token = credentials.tokens.agents[spec.presenting ?? spec.node];
      if (token === undefined) throw new Error(`startAgent: node ${spec.presenting ?? spec.node} has no token in this fleet (list it in spareNodes)`);
      roles.set(spec.node, spec.role);
      const agent = await startAgentProcess(credentials, {
        node: spec.node,
        role: spec.role,
        master: { address: runningMaster.address, caPath: credentials.authority.certPath, token },
        podmanSocket: socketPath,
      });
      agents.push(agent);
      return agent;
    };
    const masterClient = () =>
      createClient(McpMasterService, createGrpcClientTransport({ address: runningMaster.address, tls, token: () => credentials.tokens.operator }));
    const listNodes = async () => (await masterClient().listNodes({})).nodes;
    const diagnostics = () => diagnosticsOf(runningMaster, agents);
    const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> =>
      pollUntil(what, probe, { timeoutMs, diagnostics });
    const waitForHealthy = (nodes: readonly string[] = agents.map((agent) => agent.node)): Promise<NodeInfo[]> =>
      waitFor(`nodes ${nodes.join(', ')} registered and healthy`, async () => {
        const listed = await listNodes();
        return nodes.every((name) => listed.some((node) => node.name === name && node.status === 'healthy')) ? listed : undefined;
      });

    const starts = await Promise.allSettled(specs.map((spec) => startAgent(spec)));
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    await waitForHealthy();
    return {
      dir: dir.path,
      credentials,
      master: runningMaster,
      agents,
      byRole: (role) => agents.filter((agent) => roles.get(agent.node) === role).sort((a, b) => (a.node < b.node ? -1 : 1)),
      masterClient,
      agentClient: (agent) =>
        createClient(McpAgentService, createGrpcClientTransport({ address: agent.address, tls, token: () => credentials.tokens.operator })),
      startAgent,
      waitForHealthy,
      heartbeatsCaughtUp: (nodes) => waitFor(`two heartbeats from ${nodes.join(', ')}`, twoHeartbeatsProbe(listNodes, nodes)),
      waitFor,
      diagnostics,
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
