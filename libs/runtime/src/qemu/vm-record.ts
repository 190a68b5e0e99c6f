// A VM's state dir: its files, and vm.json (the settings), which let list/inspect work after an agent restart.
import { readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Acceleration } from './acceleration.js';
import type { VmSettings } from './vm-settings.js';

/** The files of a VM's state dir besides QEMU's own (see qemu-arguments.ts). */
export const VM_FILES = {
  record: 'vm.json',
  supervisorPid: 'supervisor.pid',
  supervisorLog: 'supervisor.log',
  qemuPid: 'qemu.pid',
  /** QEMU's stderr: why it refused to start. */
  qemuLog: 'qemu.log',
  /** Serial console, one `<epoch seconds> <text>` per line. */
  console: 'console.log',
  /** `<epoch ms>` of the latest start. */
  started: 'started',
  /** `<exit code|unknown> <epoch ms>` once QEMU has exited (removed when it is restarted). */
  exited: 'exited',
  /** Present while the supervisor waits to restart QEMU. */
  restarting: 'restarting',
  /** Present once a stop was asked for: the supervisor restarts no more. */
  stopRequested: 'stop-requested',
} as const;

/** A VM's directory is prepared under this name and renamed into place whole. */
export const STAGING_PREFIX = '.new-';

export interface VmRecord {
  readonly version: 1;
  readonly id: string;
  readonly settings: VmSettings;
  /** The image's id when the VM was made (the image may be retagged later). */
  readonly imageId: string;
  readonly acceleration: Acceleration;
  /** How it boots, for inspect: `kernel`, `kernel+disk` or `disk`. */
  readonly boot: string;
  /** The kernel command line it got, when it boots a kernel. */
  readonly kernelCmdline?: string;
  readonly createdAtMs: number;
}

export interface StateLayout {
  /** <stateDir>/vms: one directory per VM, named after it. */
  readonly vmsDir: string;
  /** <stateDir>/images: boot files extracted from OCI images, by image id. */
  readonly imagesDir: string;
  /** <stateDir>/events.jsonl: every VM's events (see event-journal.ts). */
  readonly journal: string;
}

export function stateLayout(stateDir: string): StateLayout {
  return { vmsDir: join(stateDir, 'vms'), imagesDir: join(stateDir, 'images'), journal: join(stateDir, 'events.jsonl') };
}

export async function writeRecord(dir: string, record: VmRecord): Promise<void> {
  const path = join(dir, VM_FILES.record);
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/** The record, or undefined when the directory holds none (being made, or not a VM's). */
export async function readRecord(dir: string): Promise<VmRecord | undefined> {
  const text = await readFile(join(dir, VM_FILES.record), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const record = JSON.parse(text) as VmRecord;
  return record.version === 1 ? record : undefined;
}

/** Names of the VM directories (any entry not starting with '.'). */
export async function vmNames(vmsDir: string): Promise<string[]> {
  const entries = await readdir(vmsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
}

/** A small file's trimmed text, or undefined when absent. */
export async function readSmallFile(dir: string, name: string): Promise<string | undefined> {
  return readFile(join(dir, name), 'utf8').then(
    (text) => text.trim(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
}

/** Removes staging directories older than maxAgeMs: left by a runtime that died while creating a VM. */
export async function removeStaleStaging(vmsDir: string, maxAgeMs: number): Promise<void> {
  const entries = await readdir(vmsDir).catch(() => []);
  for (const name of entries.filter((entry) => entry.startsWith(STAGING_PREFIX))) {
    const path = join(vmsDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > maxAgeMs) await rm(path, { recursive: true, force: true });
  }
}
