// Test support for the QEMU backend's tests (not exported): a state dir, the VM test images, programs, one VM suite at a time.
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The test scaffolding shared with the podman tests (see README, "Decisions").
import {
  VM_READY_MARKER,
  createTempDir,
  ensureUnbootableVmImage,
  ensureVmTestImage,
  requireRuntime,
  uniqueName,
  uniqueNode,
  withFileLock,
} from '@mcp/testing';
import type { TempDir } from '@mcp/testing';
import type { ConformanceFixture, ConformanceHarness, PrintOptions, Program } from '../testing/index.js';
import { readUntil } from '../testing/index.js';
import type { Runtime } from '../types.js';
import { createQemuRuntime } from './qemu-runtime.js';
import type { QemuRuntime, QemuRuntimeOptions } from './qemu-runtime.js';
import { parsePid } from './supervisor.js';
import { VM_FILES, readRecord, stateLayout, writeRecord } from './vm-record.js';

export * from '@mcp/testing';

/** Why QEMU tests skip here (undefined: they run); throws when MCP_REQUIRE_RUNTIME names qemu. */
export async function qemuSkipReason(): Promise<string | undefined> {
  const dir = await createTempDir('mcp-qemu-probe');
  try {
    return await requireRuntime('qemu', () => createQemuRuntime({ stateDir: dir.path }).probe());
  } finally {
    await dir.remove();
  }
}

export interface QemuTestBed {
  readonly runtime: QemuRuntime;
  readonly stateDir: string;
  /** The VM test image: Debian's kernel + busybox init (see @mcp/testing vm-guest-init). */
  readonly image: string;
  readonly unbootableImage: string;
  /** A second runtime on the same state dir, as an agent restarted would make. */
  reopen(options?: Partial<QemuRuntimeOptions>): QemuRuntime;
  stop(): Promise<void>;
}

const LOCK = join(tmpdir(), 'mcp-qemu-tests.lock');

/**
 * Holds a cross-process lock until release: VM test files take turns, so that TCG guests never boot two
 * files' worth at once on a small machine (vitest runs files in parallel).
 */
async function takeQemuTestLock(): Promise<() => void> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await new Promise<void>((acquired, failed) => {
    withFileLock(
      LOCK,
      async () => {
        acquired();
        await held;
      },
      600_000,
    ).catch(failed);
  });
  return release;
}

export async function startQemuTestBed(options: Partial<QemuRuntimeOptions> = {}): Promise<QemuTestBed> {
  const release = await takeQemuTestLock();
  let dir: TempDir | undefined;
  try {
    dir = await createTempDir('mcp-qemu');
    const [image, unbootableImage] = [await ensureVmTestImage(), await ensureUnbootableVmImage()];
    const stateDir = dir.path;
    const open = (extra: Partial<QemuRuntimeOptions> = {}): QemuRuntime =>
      createQemuRuntime({ stateDir, acceleration: 'tcg', defaultMemoryMb: 128, ...options, ...extra });
    const runtime = open();
    const made = dir;
    return {
      runtime,
      stateDir,
      image,
      unbootableImage,
      reopen: open,
      async stop() {
        try {
          await removeAllVms(runtime);
          await made.remove();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    await dir?.remove();
    release();
    throw error;
  }
}

/** Force-removes every VM in the state dir, whatever its labels (after a test file, pass or fail). */
export async function removeAllVms(runtime: QemuRuntime): Promise<void> {
  const { vmsDir } = stateLayout(runtime.stateDir);
  for (const name of await readdir(vmsDir).catch(() => [])) await runtime.remove(name, { force: true }).catch(() => undefined);
}

export async function removeNodeVms(runtime: Runtime, node: string): Promise<void> {
  for (const vm of await runtime.list({ node })) await runtime.remove(vm.name, { force: true });
}

/** The pid of the VM's QEMU process, from its state dir. */
export async function qemuPidOf(stateDir: string, name: string): Promise<number> {
  const pid = parsePid((await readFile(join(stateLayout(stateDir).vmsDir, name, VM_FILES.qemuPid), 'utf8')).trim());
  if (pid === undefined) throw new Error(`VM ${name} has no QEMU pid`);
  return pid;
}

export async function supervisorPidOf(stateDir: string, name: string): Promise<number> {
  const text = await readFile(join(stateLayout(stateDir).vmsDir, name, VM_FILES.supervisorPid), 'utf8');
  const pid = parsePid(text.trim());
  if (pid === undefined) throw new Error(`VM ${name} has no supervisor pid`);
  return pid;
}

/** Waits for the guest's ready marker on the console (httpd listens once it is there). */
export async function waitForGuestReady(runtime: Runtime, name: string, deadlineMs = 60_000): Promise<void> {
  await readUntil(
    (signal) => runtime.logs(name, { follow: true, signal }),
    (line) => line.text.startsWith(VM_READY_MARKER),
    deadlineMs,
  );
}

/** The test image's init programs for each program the conformance suite asks for. */
export function vmPrograms(image: string, unbootableImage: string): ConformanceFixture['programs'] {
  return {
    serve: (): Program => ({ image, cmd: ['serve'] }),
    print: (options: PrintOptions): Program => {
      // A VM has one console: stderr lines come out on it too, after stdout's.
      const later = options.laterStdout === undefined ? [] : [`@sleep:${(options.pauseMs ?? 0) / 1000}`, ...options.laterStdout];
      return {
        image,
        cmd: ['print', ...(options.stdout ?? []), ...(options.stderr ?? []), ...later],
        env: { EXIT_CODE: String(options.exitCode ?? 0) },
      };
    },
    failToStart: (): Program => ({ image: unbootableImage }),
  };
}

export function qemuConformanceHarness(): ConformanceHarness {
  let bed: QemuTestBed | undefined;
  const started = (): QemuTestBed => {
    if (bed === undefined) throw new Error('QEMU test bed not started');
    return bed;
  };
  return {
    async start() {
      bed = await startQemuTestBed();
    },
    async stop() {
      await bed?.stop();
    },
    fixture(): ConformanceFixture {
      const { runtime, image, unbootableImage, stateDir } = started();
      const unlabelled: string[] = [];
      return {
        runtime,
        node: uniqueNode(),
        uniqueName,
        programs: vmPrograms(image, unbootableImage),
        presentImage: image,
        missingImage: `127.0.0.1:1/mcp-missing/${uniqueName('image')}:1`,
        killOutOfBand: async (name) => {
          process.kill(await qemuPidOf(stateDir, name), 'SIGKILL');
        },
        // Something else on the host: a VM in the state dir whose record bears no MCP labels (an older agent's).
        createUnlabelled: async (name) => {
          const cut = name.lastIndexOf('-');
          const spec = { service: name.slice(0, cut), component: name.slice(cut + 1), node: uniqueNode(), image, cmd: ['serve'] };
          await runtime.createAndStart(spec);
          unlabelled.push(name);
          const dir = join(stateLayout(stateDir).vmsDir, name);
          const record = await readRecord(dir);
          if (record === undefined) throw new Error(`VM ${name} has no record`);
          await writeRecord(dir, { ...record, settings: { ...record.settings, labels: {} } });
        },
        dispose: async () => {
          for (const name of unlabelled.splice(0)) await runtime.remove(name, { force: true });
        },
      };
    },
  };
}
