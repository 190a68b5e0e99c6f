// Starts the built mcp-agent as a real process (fleet CA, token file, loopback TLS) for a benchmark to call.
import { mintFleetTokens, writeAgentHome } from '@mcp/dev-fleet';
import { freeLoopbackPort, uniqueNode, withFileLock } from '@mcp/testing';
import { createCertificateAuthority } from '@mcp/tls';
import { execFile, spawn } from 'node:child_process';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const app = join(repo, 'apps/mcp-agent');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export interface BenchAgent {
  readonly node: string;
  readonly address: string;
  readonly caPath: string;
  readonly operatorToken: string;
  readonly logPath: string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

async function newestSourceMs(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const times = await Promise.all(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('node_modules'))
      .map(async (entry) => (await stat(join(entry.parentPath, entry.name))).mtimeMs),
  );
  return Math.max(0, ...times);
}

/**
 * Rebuilds `apps/mcp-agent/dist` when it is missing or older than a source it is bundled from; the lock is the
 * one e2e's `ensureBuilt` takes, so a benchmark and an e2e run never build at the same time.
 */
export async function ensureAgentBuilt(): Promise<void> {
  await withFileLock(join(app, '.build.lock'), async () => {
    const bundleMs = await stat(join(app, 'dist/main.js')).then((info) => info.mtimeMs, () => 0);
    const sourceMs = Math.max(await newestSourceMs(join(app, 'src')), await newestSourceMs(join(repo, 'libs')));
    if (bundleMs > sourceMs) return;
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, ['scripts/build-app.mjs', 'apps/mcp-agent'], { cwd: repo }, (error, _stdout, stderr) =>
        error === null ? resolve() : reject(new Error(`building apps/mcp-agent failed:\n${stderr}`, { cause: error })),
      );
    });
  });
}

async function isReady(logPath: string, pid: number | undefined): Promise<boolean> {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .some((line) => line['msg'] === 'agent ready' && line['pid'] === pid);
}

/** Lays out a fleet of one node under `dir`, starts its agent at log level info (the default) and waits for "agent ready". */
export async function startBenchAgent(dir: string): Promise<BenchAgent> {
  await ensureAgentBuilt();
  const node = uniqueNode();
  const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'mcp bench CA' });
  const tokenFile = join(dir, 'tokens.toml');
  const tokens = await mintFleetTokens({ tokenFile, operator: 'operator', nodes: [node] });
  const home = await writeAgentHome({
    dir: join(dir, node),
    node,
    role: 'worker',
    host: '127.0.0.1',
    port: await freeLoopbackPort(),
    authority,
    tokenFile,
    logLevel: 'info',
  });
  const logPath = join(home.dir, 'agent.log');
  // The child writes its log straight to the file: piping it through this process would load the measuring side.
  const log = await open(logPath, 'a');
  const child = spawn(process.execPath, [join(app, 'bin/mcp-agent.js'), '--config', home.configPath], {
    stdio: ['ignore', log.fd, log.fd],
    env: { ...process.env },
  });
  await log.close();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (!running()) return;
    child.kill('SIGTERM');
    const grace = new AbortController();
    const stopped = await Promise.race([
      exited.then(() => true),
      delay(STOP_TIMEOUT_MS, false, { signal: grace.signal }).catch(() => true),
    ]);
    grace.abort();
    if (!stopped && running()) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await isReady(logPath, child.pid))) {
    if (!running() || Date.now() > deadline) {
      await stop();
      const why = running() ? `not ready within ${READY_TIMEOUT_MS / 1000} s` : 'exited before it was ready';
      throw new Error(`mcp-agent ${why}:\n${await readFile(logPath, 'utf8').catch(() => '')}`);
    }
    await delay(50);
  }
  return { node, address: home.address, caPath: authority.certPath, operatorToken: tokens.operator, logPath, stop };
}
