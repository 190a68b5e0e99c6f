// Starts real mcp-agent processes on loopback with a fleet's CA and token file, as an operator would.
import { mintFleetTokens, writeAgentHome, type AgentHome, type FleetTokens } from '@mcp/dev-fleet';
import { freeLoopbackPort, uniqueNode } from '@mcp/testing';
import { createCertificateAuthority, type CertificateAuthority } from '@mcp/tls';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { binOf, ensureBuilt } from './programs.js';

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
  /** Every JSON log line the agent has written so far. */
  logLines(): Promise<Record<string, unknown>[]>;
  /** Sends a signal; resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the same agent again (same config, data and files). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function readLog(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A window of 50 host ports of its own, so agents of parallel test files never race for a port. */
function routePortWindow(): { first: number; last: number } {
  const first = 20_000 + Math.floor(Math.random() * 800) * 50;
  return { first, last: first + 49 };
}

/** Starts the built mcp-agent for `node` of `fleet` and waits until it says it is ready. */
export async function startAgentProcess(
  fleet: TestFleet,
  options: { node?: string; role?: 'master' | 'worker' | 'edge' } = {},
): Promise<AgentProcess> {
  await ensureBuilt('mcp-agent');
  const node = options.node ?? fleet.nodes[0] ?? uniqueNode();
  const port = await freeLoopbackPort();
  const home = await writeAgentHome({
    dir: join(fleet.dir, node),
    node,
    role: options.role ?? 'worker',
    host: '127.0.0.1',
    port,
    authority: fleet.authority,
    tokenFile: fleet.tokenFile,
    logLevel: 'debug',
    ports: routePortWindow(),
  });
  const logPath = join(home.dir, 'agent.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    const out = createWriteStream(logPath, { flags: 'a' });
    const proc = spawn(process.execPath, [binOf('mcp-agent'), '--config', home.configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env },
    });
    proc.stdout.pipe(out);
    proc.stderr.pipe(out);
    child = proc;
    exited = new Promise((resolve) => proc.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const lines = await readLog(logPath);
      if (lines.some((line) => line['msg'] === 'agent ready' && line['pid'] === proc.pid)) return;
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`mcp-agent exited before it was ready:\n${await readFile(logPath, 'utf8').catch(() => '')}`);
      }
      if (Date.now() > deadline) throw new Error(`mcp-agent not ready within 60 s:\n${await readFile(logPath, 'utf8')}`);
      await delay(50);
    }
  };
  await launch();

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  return {
    node,
    home,
    address: home.address,
    logLines: () => readLog(logPath),
    kill,
    restart: launch,
    stop: () => kill('SIGTERM'),
  };
}
