// Podman as the operator sees it beside MCP: containers by MCP's labels, and one API service a test fleet shares.
import { requireRuntime } from '@mcp/testing';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { run } from './programs.js';

/** Runs podman; a non-zero exit is an error carrying its stderr. */
export async function podman(...args: string[]): Promise<string> {
  const result = await run('podman', args);
  if (result.exitCode !== 0) throw new Error(`podman ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout;
}

export interface PodmanContainer {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Containers (running or not) carrying MCP's labels for this node and/or service. */
export async function containersOf(filter: { node?: string; service?: string }): Promise<PodmanContainer[]> {
  const filters = [
    ...(filter.node === undefined ? [] : ['--filter', `label=mcp.node=${filter.node}`]),
    ...(filter.service === undefined ? [] : ['--filter', `label=mcp.service=${filter.service}`]),
  ];
  if (filters.length === 0) throw new Error('containersOf: name a node or a service, never every container of the host');
  const out = await podman('ps', '-a', ...filters, '--format', 'json');
  const entries = JSON.parse(out || '[]') as { Id: string; Names: string[]; State: string; Labels: Record<string, string> | null }[];
  return entries.map((entry) => ({ id: entry.Id, name: entry.Names[0] ?? '', state: entry.State, labels: entry.Labels ?? {} }));
}

/** The environment a container was created with, as KEY=VALUE strings. */
export async function containerEnv(name: string): Promise<string[]> {
  return JSON.parse(await podman('inspect', '--format', '{{json .Config.Env}}', name)) as string[];
}

/** Removes every container MCP's agents of these nodes made (the test's own, by label). */
export async function removeContainersOf(nodes: readonly string[]): Promise<void> {
  const lists = await Promise.all(nodes.map((node) => containersOf({ node })));
  const names = lists.flat().map((container) => container.name);
  if (names.length > 0) await podman('rm', '-f', '-t', '0', ...names);
}

export interface PodmanService {
  readonly socketPath: string;
  stop(): Promise<void>;
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const call = request({ socketPath, path: '/_ping', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    call.on('error', () => resolve(false));
    call.on('timeout', () => call.destroy());
    call.end();
  });
}

/**
 * One `podman system service` for all agents of a test fleet (they would each start one otherwise, and one
 * killed with -9 leaves its own behind). `insecureRegistries` are reached over plain HTTP, as a
 * registries.conf entry would allow on a real node.
 */
export async function startPodmanService(options: { dir: string; insecureRegistries?: readonly string[] }): Promise<PodmanService> {
  const socketPath = join(options.dir, 'podman.sock');
  const env = { ...process.env };
  const registries = options.insecureRegistries ?? [];
  if (registries.length > 0) {
    const confPath = join(options.dir, 'registries.conf');
    await writeFile(confPath, registries.map((location) => `[[registry]]\nlocation = "${location}"\ninsecure = true\n`).join('\n'));
    env['CONTAINERS_REGISTRIES_CONF'] = confPath;
  }
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const grace = new AbortController();
    const late = delay(10_000, true, { signal: grace.signal }).catch(() => false);
    const timedOut = await Promise.race([exited.then(() => false), late]);
    grace.abort();
    if (timedOut) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + 30_000;
  while (!(await ping(socketPath))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`podman system service on ${socketPath} did not answer: ${stderr.trim() || 'no output'}`);
    }
    await delay(50);
  }
  return { socketPath, stop };
}

/**
 * Why podman cannot run here, or undefined when it can: scenarios skip with the reason on a laptop without it;
 * where MCP_REQUIRE_RUNTIME names podman (CI) this throws, so a skip there is a failure.
 */
export function podmanUnavailable(): Promise<string | undefined> {
  return requireRuntime('podman', async () => {
    const probe = await run('podman', ['version', '--format', '{{.Client.Version}}']).catch((error: unknown) => ({
      exitCode: -1,
      stdout: '',
      stderr: error instanceof Error ? error.message : String(error),
    }));
    return probe.exitCode === 0 ? { available: true, version: probe.stdout.trim() } : { available: false, reason: probe.stderr.trim() || 'podman version failed' };
  });
}
