// Child process of the fleet benchmark hosting many simulated agents: each is a real gRPC server over TLS 1.3 on its
// own loopback port (with the agents' auth policy, so the master's token is checked), registers with the master
// under its own identity over its own HTTP/2 connection, then heartbeats on a period spread over the fleet.
import { create } from '@bufbuild/protobuf';
import { ConnectError, createClient, type Client } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import { createAuthInterceptor, createTokenFileValidator, mcpPolicy, type TokenValidator } from '@mcp/auth';
import { HeartbeatRequestSchema, McpAgentService, McpMasterService, RegisterRequestSchema } from '@mcp/proto';
import { createGrpcClientTransport, startGrpcServer, type RunningServer } from '@mcp/rpc';
import { clientTlsOptions, serverTlsOptions } from '@mcp/tls';
import type { SecureClientSessionOptions, SecureServerOptions } from 'node:http2';
import { createSimulatedAgent, type SimulatedAgent } from './simulated-agent.js';
import type { HeartbeatCounts, HostReply, HostRequest, SimulatedFleetConfig } from './simulated-fleet.js';

/** Agents started, registered and heartbeated at once while growing: enough to keep the master busy, not flooded. */
const GROW_CONCURRENCY = 50;

interface HostedAgent {
  readonly index: number;
  readonly agent: SimulatedAgent;
  readonly server: RunningServer;
  readonly master: Client<typeof McpMasterService>;
  timer: NodeJS.Timeout | undefined;
}

interface Host {
  readonly config: SimulatedFleetConfig;
  readonly serverTls: SecureServerOptions;
  readonly clientTls: SecureClientSessionOptions;
  readonly validator: TokenValidator;
  readonly agents: HostedAgent[];
  intervalMs: number;
  /** Phases are counted from here, so agents started later still fall in their own slot of the period. */
  epochMs: number;
  acknowledged: number;
  registerAgain: number;
  readonly failed: Map<string, number>;
}

let host: Host | undefined;

function describe(error: unknown): string {
  return error instanceof ConnectError ? codeToString(error.code) : error instanceof Error ? error.message : String(error);
}

function hostOf(): Host {
  if (host === undefined) throw new Error('not started');
  return host;
}

async function heartbeat(state: Host, hosted: HostedAgent): Promise<void> {
  try {
    const containers = hosted.agent.runningContainers();
    const answer = await hosted.master.heartbeat(
      create(HeartbeatRequestSchema, {
        name: hosted.agent.node,
        cpuMillicores: 120n,
        memoryBytes: 256n << 20n,
        diskBytes: 2n << 30n,
        containers,
      }),
    );
    if (answer.registerAgain) state.registerAgain += 1;
    else if (answer.acknowledged) state.acknowledged += 1;
  } catch (error) {
    const key = describe(error);
    state.failed.set(key, (state.failed.get(key) ?? 0) + 1);
  }
}

/** The agent's next heartbeat at its slot of the period (index / fleet size), then every period. */
function schedule(state: Host, hosted: HostedAgent): void {
  clearTimeout(hosted.timer);
  hosted.timer = undefined;
  if (state.intervalMs <= 0) return;
  const slotMs = (hosted.index / state.config.agents.length) * state.intervalMs;
  const sinceEpochMs = Date.now() - state.epochMs;
  const delayMs = (((slotMs - sinceEpochMs) % state.intervalMs) + state.intervalMs) % state.intervalMs;
  const tick = (): void => {
    hosted.timer = setTimeout(tick, state.intervalMs);
    void heartbeat(state, hosted);
  };
  hosted.timer = setTimeout(tick, delayMs);
}

async function startOne(state: Host, index: number): Promise<HostedAgent> {
  const identity = state.config.agents[index];
  if (identity === undefined) throw new Error(`no agent ${index}: the configuration lists ${state.config.agents.length}`);
  let address = '';
  const agent = createSimulatedAgent(identity.node, () => address);
  const server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: state.serverTls,
    routes: (router) => router.service(McpAgentService, agent.handlers),
    // The audit line is the real agent's cost, not the master's: left out here.
    interceptors: [createAuthInterceptor({ validator: state.validator, policy: mcpPolicy, log: { info: () => undefined }, clock: { now: () => Date.now() } })],
  });
  address = `127.0.0.1:${server.port}`;
  const master = createClient(
    McpMasterService,
    createGrpcClientTransport({ address: state.config.masterAddress, tls: state.clientTls, token: () => identity.token, timeoutMs: 30_000 }),
  );
  const hosted: HostedAgent = { index, agent, server, master, timer: undefined };
  try {
    const answer = await master.register(
      create(RegisterRequestSchema, { name: identity.node, role: 'worker', address, arch: 'amd64', agentVersion: '0.0.0-simulated', runtimes: [] }),
    );
    if (!answer.accepted) throw new Error(`the master did not accept ${identity.node}: ${answer.message}`);
    // As mcp-agent does: the first heartbeat right after registering makes the node healthy.
    const beat = await master.heartbeat(create(HeartbeatRequestSchema, { name: identity.node }));
    if (!beat.acknowledged) throw new Error(`the master did not acknowledge the first heartbeat of ${identity.node}`);
  } catch (error) {
    await server.close();
    throw new Error(`simulated agent ${identity.node}: ${error instanceof ConnectError ? `${describe(error)}: ${error.rawMessage}` : String(error)}`, {
      cause: error,
    });
  }
  return hosted;
}

async function grow(state: Host, count: number): Promise<number> {
  if (count > state.config.agents.length) throw new Error(`cannot grow to ${count}: only ${state.config.agents.length} identities`);
  while (state.agents.length < count) {
    const first = state.agents.length;
    const batch = Array.from({ length: Math.min(GROW_CONCURRENCY, count - first) }, (_, offset) => first + offset);
    const started = await Promise.allSettled(batch.map((index) => startOne(state, index)));
    for (const outcome of started) if (outcome.status === 'fulfilled') state.agents.push(outcome.value);
    const failure = started.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    for (const hosted of state.agents.slice(first)) schedule(state, hosted);
  }
  return state.agents.length;
}

function counts(state: Host): HeartbeatCounts {
  return { acknowledged: state.acknowledged, registerAgain: state.registerAgain, failed: Object.fromEntries(state.failed) };
}

async function stopAll(): Promise<void> {
  const state = host;
  if (state === undefined) return;
  for (const hosted of state.agents) clearTimeout(hosted.timer);
  await Promise.all(state.agents.map((hosted) => hosted.server.close()));
}

async function handle(request: HostRequest): Promise<unknown> {
  switch (request.kind) {
    case 'start': {
      const { config } = request;
      host = {
        config,
        serverTls: await serverTlsOptions({ certPath: config.certPath, keyPath: config.keyPath }),
        clientTls: await clientTlsOptions({ caPath: config.caPath }),
        validator: await createTokenFileValidator({ path: config.tokenFile }),
        agents: [],
        intervalMs: config.heartbeatIntervalMs,
        epochMs: Date.now(),
        acknowledged: 0,
        registerAgain: 0,
        failed: new Map(),
      };
      return process.pid;
    }
    case 'grow':
      return grow(hostOf(), request.count);
    case 'heartbeat-interval': {
      const state = hostOf();
      state.intervalMs = request.intervalMs;
      state.epochMs = Date.now();
      for (const hosted of state.agents) schedule(state, hosted);
      return state.intervalMs;
    }
    case 'counts':
      return counts(hostOf());
    case 'stop':
      await stopAll();
      return undefined;
  }
}

process.on('message', (message: HostRequest & { id: number }) => {
  // After answering a stop, the process leaves: its servers are closed and its timers cleared.
  const after = message.kind === 'stop' ? () => process.exit(0) : () => undefined;
  const reply = (answer: HostReply): void => void process.send?.(answer, after);
  handle(message).then(
    (value) => reply({ id: message.id, ok: true, value }),
    (error: unknown) => reply({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The benchmark gone (crashed, killed): nothing is left to serve for.
process.on('disconnect', () => void stopAll().finally(() => process.exit(0)));
