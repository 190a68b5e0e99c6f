// Starts real mcp-agent processes on loopback with a fleet's CA and token file, as an operator would.
import { mintFleetTokens, writeAgentHome, writeTokenForClient, type AgentHome, type FleetTokens } from '@mcp/dev-fleet';
import { freeLoopbackPort, uniqueNode } from '@mcp/testing';
import { createCertificateAuthority, type CertificateAuthority } from '@mcp/tls';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLogLines, startDaemon, type LogLine } from './daemon-process.js';
import { ensureBuilt } from './programs.js';

export interface TestFleet {
  readonly dir: string;
  readonly authority: CertificateAuthority;
  readonly tokenFile: string;
  readonly tokens: FleetTokens;
  readonly nodes: readonly string[];
}

/** A CA and a token file holding the operator, the master and one identity per node. */
export async function createTestFleet(dir: string, nodes: readonly string[] = [uniqueNode()]): Promise<TestFleet> {
  const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'mcp e2e CA' });
  const tokenFile = join(dir, 'tokens.toml');
  const tokens = await mintFleetTokens({ tokenFile, operator: 'operator', nodes });
  return { dir, authority, tokenFile, tokens, nodes };
}

export interface AgentProcess {
  readonly node: string;
  readonly home: AgentHome;
  readonly address: string;
  /** The pid of the current run (log lines carry it); undefined when never started. */
  pid(): number | undefined;
  /** Every JSON log line the agent has written so far, over all its runs. */
  logLines(): Promise<LogLine[]>;
  /** The records of its audit trail (its own file, `<data>/audit.log`). */
  auditLines(): Promise<LogLine[]>;
  /** Sends a signal; resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the same agent again (same config, data and files). */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL if it lingers); resolves when it has exited. */
  stop(): Promise<void>;
}

export interface AgentProcessOptions {
  node?: string;
  role?: 'master' | 'worker' | 'edge';
  /** Registers with this master: writes the [master] section and the agent's token file. */
  master?: {
    address: string;
    caPath: string;
    /** The plain token the agent presents (normally its own, agent-<node>). */
    token: string;
  };
  /** A podman API socket to share (one podman service for a whole test fleet); absent: the agent starts its own. */
  podmanSocket?: string;
  /** Host ports for routes; absent: the next window of routePortWindow(). */
  ports?: { first: number; last: number };
  /** TOML appended to the agent's config (sections the dev-fleet home does not write, e.g. [proxy], [acme]). */
  extraConfig?: string;
}

let windowsHandedOut = 0;

/**
 * A window of 50 host ports of its own, so agents never race for a port: each vitest worker (the test files
 * running at the same time) owns 1000 ports by its pool id, handed out 50 per agent; its files run one after
 * another and stop their agents. Outside vitest, a random 1000. All below 32768, where Linux starts handing out
 * ephemeral ports (the agents' own listeners, every client socket).
 */
export function routePortWindow(): { first: number; last: number } {
  const pool = Number(process.env['VITEST_POOL_ID'] ?? Number.NaN);
  const block = Number.isInteger(pool) && pool > 0 ? pool % 12 : Math.floor(Math.random() * 12);
  const first = 20_000 + block * 1000 + (windowsHandedOut++ % 20) * 50;
  return { first, last: first + 49 };
}

/** Starts the built mcp-agent for `node` of `fleet` and waits until it says it is ready. */
export async function startAgentProcess(fleet: TestFleet, options: AgentProcessOptions = {}): Promise<AgentProcess> {
  await ensureBuilt('mcp-agent');
  const node = options.node ?? fleet.nodes[0] ?? uniqueNode();
  const port = await freeLoopbackPort();
  const dir = join(fleet.dir, node);
  const master = options.master;
  const tokenPath = join(dir, 'master.token');
  const home = await writeAgentHome({
    dir,
    node,
    role: options.role ?? 'worker',
    host: '127.0.0.1',
    port,
    authority: fleet.authority,
    tokenFile: fleet.tokenFile,
    logLevel: 'debug',
    ports: options.ports ?? routePortWindow(),
    ...(options.podmanSocket === undefined ? {} : { podmanSocket: options.podmanSocket }),
    ...(master === undefined ? {} : { master: { address: master.address, caPath: master.caPath, tokenPath } }),
  });
  if (master !== undefined) await writeTokenForClient(tokenPath, master.token);
  if (options.extraConfig !== undefined) await appendFile(home.configPath, `\n${options.extraConfig}\n`);
  const daemon = await startDaemon({
    app: 'mcp-agent',
    configPath: home.configPath,
    logPath: join(home.dir, 'agent.log'),
    readyMessage: 'agent ready',
  });
  return {
    node,
    home,
    address: home.address,
    pid: daemon.pid,
    logLines: daemon.logLines,
    auditLines: () => readLogLines(join(home.dataDir, 'audit.log')),
    kill: daemon.kill,
    restart: daemon.restart,
    stop: () => daemon.stop(),
  };
}
