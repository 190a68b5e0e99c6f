// Test bed for the agent's behaviour: real podman (a private API service), a real registry file,
// a real service-files root, and a node name of the test's own so parallel tests never see each other.
import { openRegistry } from '@mcp/registry';
import { createPodmanRuntime, probePodmanCli, startPodmanService, type PodmanRuntime } from '@mcp/runtime';
import { createTempDir, ensureBusyboxImage, requireRuntime, uniqueNode, type TempDir } from '@mcp/testing';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { AgentDeps, AgentLog } from '../deps.js';
import { createHostPortProbe } from '../port-probe.js';

const run = promisify(execFile);

/** Why podman tests skip here (undefined: they run); throws when MCP_REQUIRE_RUNTIME names podman. */
export function podmanSkipReason(): Promise<string | undefined> {
  return requireRuntime('podman', () => probePodmanCli());
}

/** Runs the podman CLI directly, behind the agent's back (out-of-band kills and removals). */
export async function podmanCli(...args: string[]): Promise<string> {
  return (await run('podman', args)).stdout;
}

/** Log lines an agent wrote, parsed; for asserting on audit and warnings. */
export interface LogCapture {
  readonly log: AgentLog;
  lines(): Record<string, unknown>[];
  text(): string;
}

export function captureLog(): LogCapture {
  const chunks: string[] = [];
  const log = pino({ level: 'debug' }, { write: (chunk: string) => void chunks.push(chunk) });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => chunks.join(''),
  };
}

export interface AgentTestBed {
  readonly deps: AgentDeps;
  readonly runtime: PodmanRuntime;
  readonly logs: LogCapture;
  /** The busybox test image (httpd, every applet on PATH). */
  readonly image: string;
  readonly dir: TempDir;
  /** Reopens the registry file, as an agent restart would. */
  reopenRegistry(): AgentDeps;
  /** Removes this node's containers and stops the private podman service. */
  stop(): Promise<void>;
}

/** One per test file (beforeAll): starting the podman service costs about a second. */
export async function startAgentTestBed(options: { role?: AgentDeps['node']['role'] } = {}): Promise<AgentTestBed> {
  const dir = await createTempDir('mcp-agent');
  const filesRoot = join(dir.path, 'srv');
  await mkdir(filesRoot);
  const [service, image] = await Promise.all([
    startPodmanService({ socketPath: join(dir.path, 'podman.sock') }),
    ensureBusyboxImage(),
  ]);
  const runtime = createPodmanRuntime({ socketPath: service.socketPath });
  const logs = captureLog();
  const node = uniqueNode();
  const open = () =>
    openRegistry({ path: join(dir.path, 'registry.db'), clock: { now: () => new Date() }, isPortFree: createHostPortProbe() });
  let deps: AgentDeps = {
    node: { name: node, role: options.role ?? 'worker', address: '127.0.0.1' },
    runtime,
    registry: open(),
    clock: { now: () => new Date() },
    log: logs.log,
    files: { root: filesRoot, maxFileBytes: 1024 * 1024 },
    version: '0.0.0-test',
    startedAt: new Date(),
    listenAddress: '127.0.0.1:0',
  };
  return {
    get deps() {
      return deps;
    },
    runtime,
    logs,
    image,
    dir,
    reopenRegistry() {
      deps.registry.close();
      deps = { ...deps, registry: open() };
      return deps;
    },
    async stop() {
      try {
        for (const container of await runtime.list({ node })) await runtime.remove(container.name, { force: true });
      } finally {
        deps.registry.close();
        runtime.close();
        await service.stop();
        await dir.remove();
      }
    },
  };
}
