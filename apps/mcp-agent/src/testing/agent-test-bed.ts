// Test bed for the agent's behaviour: real podman (a private API service), optionally real QEMU (TCG) for VMs, a
// real registry file, a real service-files root, and a node name of the test's own so parallel tests never see
// each other.
import { openRegistry } from '@mcp/registry';
import { createPodmanRuntime, createQemuRuntime, probePodmanCli, startPodmanService, type PodmanRuntime, type QemuRuntime } from '@mcp/runtime';
import {
  createTempDir,
  ensureBusyboxImage,
  ensureVmTestImage,
  requireRuntime,
  uniqueNode,
  withFileLock,
  type TempDir,
} from '@mcp/testing';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/** Why QEMU tests skip here (undefined: they run); throws when MCP_REQUIRE_RUNTIME names qemu. */
export async function qemuSkipReason(): Promise<string | undefined> {
  const dir = await createTempDir('mcp-agent-qemu-probe');
  try {
    return await requireRuntime('qemu', () => createQemuRuntime({ stateDir: dir.path, acceleration: 'tcg' }).probe());
  } finally {
    await dir.remove();
  }
}

/** The lock libs/runtime's QEMU tests take: one test file boots VMs at a time (TCG guests are CPU-hungry). */
const QEMU_TEST_LOCK = join(tmpdir(), 'mcp-qemu-tests.lock');

/** Holds the QEMU test lock until the returned release is called. */
async function takeQemuTestLock(): Promise<() => void> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await new Promise<void>((acquired, failed) => {
    withFileLock(
      QEMU_TEST_LOCK,
      async () => {
        acquired();
        await held;
      },
      600_000,
    ).catch(failed);
  });
  return release;
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
  /** With `vm`: the VM test image (serves HTTP on $PORT) and the QEMU state dir the VM runtimes share. */
  readonly vm: { readonly image: string; readonly stateDir: string } | undefined;
  readonly dir: TempDir;
  /** Reopens the registry file (and, with `vm`, makes a new QEMU runtime on the same state dir), as an agent restart would. */
  reopenRegistry(): AgentDeps;
  /** Removes this node's containers (and VMs) and stops the private podman service. */
  stop(): Promise<void>;
}

/**
 * One per test file (beforeAll): starting the podman service costs about a second. With `vm`, deps get a QEMU
 * runtime (TCG, 128 MB by default) and the file holds the QEMU test lock until stop().
 */
export interface AgentTestBedOptions {
  readonly role?: AgentDeps['node']['role'];
  /** Give deps a QEMU runtime (and take the QEMU test lock). */
  readonly vm?: boolean;
  /** Host ports the registry hands to routes (default the registry's own). */
  readonly portRange?: { readonly first: number; readonly last: number };
}

export async function startAgentTestBed(options: AgentTestBedOptions = {}): Promise<AgentTestBed> {
  const releaseLock = options.vm === true ? await takeQemuTestLock() : () => undefined;
  try {
    return await openTestBed(options, releaseLock);
  } catch (error) {
    releaseLock();
    throw error;
  }
}

async function openTestBed(options: AgentTestBedOptions, releaseLock: () => void): Promise<AgentTestBed> {
  const dir = await createTempDir('mcp-agent');
  const filesRoot = join(dir.path, 'srv');
  await mkdir(filesRoot);
  const [service, image, vmImage] = await Promise.all([
    startPodmanService({ socketPath: join(dir.path, 'podman.sock') }),
    ensureBusyboxImage(),
    options.vm === true ? ensureVmTestImage() : undefined,
  ]);
  const runtime = createPodmanRuntime({ socketPath: service.socketPath });
  const logs = captureLog();
  const node = uniqueNode();
  const open = () =>
    openRegistry({
      path: join(dir.path, 'registry.db'),
      clock: { now: () => new Date() },
      isPortFree: createHostPortProbe(),
      ...(options.portRange === undefined ? {} : { portRange: options.portRange }),
    });
  const vm = vmImage === undefined ? undefined : { image: vmImage, stateDir: join(dir.path, 'qemu') };
  const openVmRuntime = (): { vmRuntime: QemuRuntime } | object =>
    vm === undefined ? {} : { vmRuntime: createQemuRuntime({ stateDir: vm.stateDir, acceleration: 'tcg', defaultMemoryMb: 128 }) };
  let deps: AgentDeps = {
    node: { name: node, role: options.role ?? 'worker', address: '127.0.0.1' },
    runtime,
    ...openVmRuntime(),
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
    vm,
    dir,
    reopenRegistry() {
      deps.registry.close();
      deps = { ...deps, ...openVmRuntime(), registry: open() };
      return deps;
    },
    async stop() {
      try {
        for (const container of await runtime.list({ node })) await runtime.remove(container.name, { force: true });
        const vms = deps.vmRuntime;
        if (vms !== undefined) for (const instance of await vms.list({ node })) await vms.remove(instance.name, { force: true });
      } finally {
        deps.registry.close();
        runtime.close();
        await service.stop();
        await dir.remove();
        releaseLock();
      }
    },
  };
}
