// Making and starting one VM: boot plan from the image, state dir, supervisor, readiness; nothing left behind on failure.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { RuntimeError, runtimeError } from '../errors.js';
import type { Acceleration } from './acceleration.js';
import { appendEvent, journalLinePrefix, subjectOf } from './event-journal.js';
import { commandLineTooLong, kernelCommandLine } from './kernel-cmdline.js';
import { buildNanosImage, findOps } from './ops-build.js';
import { DISK_OVERLAY, GUEST_ENV_FILE, guestEnvFile, qemuArguments } from './qemu-arguments.js';
import type { KernelBoot } from './qemu-arguments.js';
import { qmpExecute } from './qmp.js';
import { startSupervisor } from './supervisor.js';
import type { DiskImage, ImageContent, ImageStore } from './vm-images.js';
import { STAGING_PREFIX, VM_FILES, writeRecord } from './vm-record.js';
import type { StateLayout, VmRecord } from './vm-record.js';
import { observeVm } from './vm-state.js';
import type { VmSettings } from './vm-settings.js';
import { stopVm } from './vm-stop.js';

const BACKEND = 'qemu';
const run = promisify(execFile);
const NANOS_IMAGE = 'nanos.img';

export interface LaunchContext {
  readonly layout: StateLayout;
  readonly images: ImageStore;
  readonly qemuPath: string;
  readonly qemuImgPath: string;
  /** PATH to look for `ops` in. */
  readonly searchPath: string;
  readonly opsHome: string;
  /** Until QMP answers; QEMU answers long before the guest has booted. */
  readonly startTimeoutMs: number;
  readonly opsTimeoutMs: number;
}

interface BootPlan {
  readonly kernel?: KernelBoot;
  /** The base the VM's copy-on-write disk sits on. */
  readonly disk?: DiskImage;
  /** Build a Nanos image of this ELF program first. */
  readonly opsProgram?: { opsPath: string; program: string };
  readonly description: string;
}

function invalid(settings: VmSettings, detail: string): RuntimeError {
  return runtimeError({ kind: 'invalid-argument', backend: BACKEND, target: settings.name, operation: 'create VM', detail });
}

/** Pure apart from looking for ops: how an image's content boots with these settings. */
async function bootPlan(context: LaunchContext, settings: VmSettings, content: ImageContent): Promise<BootPlan> {
  if (content.kernel !== undefined) {
    const cmdline = kernelCommandLine(content.cmdline, settings.env, settings.cmd);
    const tooLong = commandLineTooLong(cmdline);
    if (tooLong !== undefined) throw invalid(settings, tooLong);
    const kernel = { kernel: content.kernel, cmdline, ...(content.initrd === undefined ? {} : { initrd: content.initrd }) };
    return { kernel, ...(content.disk === undefined ? {} : { disk: content.disk }), description: content.disk ? 'kernel+disk' : 'kernel' };
  }
  if (content.disk !== undefined) {
    if (settings.cmd !== undefined) {
      throw invalid(settings, 'cmd: a VM that boots from a disk image has no kernel command line to take arguments');
    }
    return { disk: content.disk, description: 'disk' };
  }
  const what = `image ${settings.image} holds neither a disk image under /disk/ (*.img, *.qcow2, *.raw) nor a kernel at /boot/vmlinux or /boot/vmlinuz`;
  if (content.program === undefined) throw invalid(settings, what);
  const opsPath = await findOps(context.searchPath);
  if (opsPath === undefined) {
    throw invalid(settings, `${what}; its ELF program could become a Nanos image, but NanoVMs ops is not installed (no ops on PATH)`);
  }
  return { opsProgram: { opsPath, program: content.program }, description: 'nanos (ops)' };
}

async function prepareDisk(context: LaunchContext, dir: string, record: VmRecord, plan: BootPlan): Promise<boolean> {
  let base = plan.disk;
  if (plan.opsProgram !== undefined) {
    const output = join(dir, NANOS_IMAGE);
    await buildNanosImage({
      opsPath: plan.opsProgram.opsPath, program: plan.opsProgram.program, opsHome: context.opsHome,
      imageName: `mcp-${record.id}`, env: record.settings.env, args: record.settings.cmd ?? [], output,
      timeoutMs: context.opsTimeoutMs, searchPath: context.searchPath,
    });
    // Relative: QEMU resolves it next to the overlay, which keeps working once the directory is renamed into place.
    base = { path: NANOS_IMAGE, format: 'raw' };
  }
  if (base === undefined) return false;
  // The image's disk stays untouched in the cache; the VM writes to its own overlay, removed with it.
  await run(context.qemuImgPath, ['create', '-q', '-f', 'qcow2', '-F', base.format, '-b', base.path, join(dir, DISK_OVERLAY)]);
  return true;
}

/** Waits until QMP answers; fails early (with QEMU's own words) when QEMU exits first. */
async function waitUntilReady(context: LaunchContext, dir: string, record: VmRecord): Promise<void> {
  const deadline = Date.now() + context.startTimeoutMs;
  for (;;) {
    const observation = await observeVm(dir, record, context.layout.journal);
    if (observation.state === 'exited' || (observation.state === 'created' && !observation.supervisorAlive)) {
      const said = (await readFile(join(dir, VM_FILES.qemuLog), 'utf8').catch(() => '')).trim();
      const code = observation.exitCode === undefined ? '' : ` with code ${observation.exitCode}`;
      throw new Error(`QEMU exited${code} before it was ready${said === '' ? '' : `: ${said}`}`);
    }
    if (observation.qemuAlive) {
      const answered = await qmpExecute(dir, [{ execute: 'query-status' }], 1000).then(() => true, () => false);
      if (answered) return;
    }
    if (Date.now() > deadline) throw new Error(`QEMU did not answer on QMP within ${context.startTimeoutMs} ms`);
    await delay(50);
  }
}

/**
 * Creates the VM's state dir and starts its supervisor; returns the record once QEMU answers. On any failure
 * the VM is stopped and its state dir removed before the error is thrown (a journaled create gets its remove).
 */
export async function launchVm(
  context: LaunchContext,
  settings: VmSettings,
  acceleration: Acceleration,
  content: ImageContent,
): Promise<VmRecord> {
  const plan = await bootPlan(context, settings, content);
  const record: VmRecord = {
    version: 1, id: randomUUID(), settings, imageId: content.imageId, acceleration, boot: plan.description,
    ...(plan.kernel === undefined ? {} : { kernelCmdline: plan.kernel.cmdline }), createdAtMs: Date.now(),
  };
  const dir = join(context.layout.vmsDir, settings.name);
  const staging = join(context.layout.vmsDir, `${STAGING_PREFIX}${record.id}`);
  await mkdir(staging, { recursive: true });
  let placed = false;
  let journaled = false;
  try {
    await writeRecord(staging, record);
    await writeFile(join(staging, GUEST_ENV_FILE), guestEnvFile(settings.env));
    const disk = await prepareDisk(context, staging, record, plan);
    // Atomic: vms/<name> appears complete (record included) or not at all, and a second VM of the name loses here.
    await rename(staging, dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST' && error.code !== 'ENOTEMPTY') throw error;
      throw runtimeError({ kind: 'conflict', backend: BACKEND, target: settings.name, operation: 'create VM', detail: 'a VM of that name exists' });
    });
    placed = true;
    const args = qemuArguments({
      id: record.id, name: settings.name, acceleration, memoryMb: settings.memoryMb, vcpus: settings.vcpus,
      ports: settings.ports, disk, ...(plan.kernel === undefined ? {} : { kernel: plan.kernel }),
      shares: (settings.volumes ?? []).map((volume) => ({ hostPath: volume.source, tag: volume.target, readOnly: volume.options.includes('ro') })),
    });
    await appendEvent(context.layout.journal, subjectOf(record), 'create');
    journaled = true;
    await startSupervisor({
      dir, journal: context.layout.journal, eventPrefix: journalLinePrefix(subjectOf(record)),
      restart: settings.restart, qemuPath: context.qemuPath, qemuArgs: args,
    });
    await waitUntilReady(context, dir, record);
    return record;
  } catch (error) {
    if (placed) await discardVm(context, dir, record, journaled);
    else await rm(staging, { recursive: true, force: true });
    if (error instanceof RuntimeError) throw error;
    throw runtimeError({
      kind: 'failed', backend: BACKEND, target: settings.name, operation: 'start VM', detail: (error as Error).message, cause: error,
    });
  }
}

/** Stops whatever runs (no grace) and removes the state dir; journals the remove when the create was journaled. */
export async function discardVm(context: LaunchContext, dir: string, record: VmRecord, journaled: boolean): Promise<void> {
  await stopVm(
    {
      dir,
      id: record.id,
      observe: () => observeVm(dir, record, context.layout.journal),
      onStep: async (step) => {
        if (journaled) await appendEvent(context.layout.journal, subjectOf(record), step);
      },
    },
    { graceMs: 0, quitMs: 2000, killMs: 5000 },
  );
  if (journaled) await appendEvent(context.layout.journal, subjectOf(record), 'remove');
  await rm(dir, { recursive: true, force: true });
}
