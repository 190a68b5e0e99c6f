// A VM's observed state, from its state dir and live processes only (no memory), so any runtime instance sees the same.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerState } from '../types.js';
import { appendEvent, subjectOf } from './event-journal.js';
import { isOurProcess, parsePid } from './supervisor.js';
import { VM_FILES, readSmallFile } from './vm-record.js';
import type { VmRecord } from './vm-record.js';

export interface VmObservation {
  readonly state: ContainerState;
  readonly qemuPid?: number;
  readonly supervisorPid?: number;
  readonly qemuAlive: boolean;
  readonly supervisorAlive: boolean;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  readonly exitCode?: number;
}

function parseExited(text: string): { exitCode?: number; finishedAt?: Date } {
  const [code, time] = text.split(/\s+/);
  return {
    ...(code !== undefined && /^\d+$/.test(code) ? { exitCode: Number(code) } : {}),
    ...(time !== undefined && /^\d+$/.test(time) ? { finishedAt: new Date(Number(time)) } : {}),
  };
}

/**
 * A supervisor that vanished without recording QEMU's exit (killed itself, or the host rebooted) would leave
 * the VM neither running nor exited: record the exit as unknown, once (exclusive create), and journal a die.
 */
async function reap(dir: string, record: VmRecord, journal: string): Promise<boolean> {
  const now = Date.now();
  try {
    const handle = await open(join(dir, VM_FILES.exited), 'wx');
    try {
      await handle.writeFile(`unknown ${now}\n`);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  await appendEvent(journal, subjectOf(record), 'die', { timeMs: now });
  return true;
}

/**
 * running: QEMU lives. restarting: it exited and the supervisor will start it again. stopping: it exited and
 * the supervisor is recording that. created: the supervisor has not started it yet. exited: over.
 */
export async function observeVm(dir: string, record: VmRecord, journal: string): Promise<VmObservation> {
  const qemuPid = parsePid(await readSmallFile(dir, VM_FILES.qemuPid));
  const supervisorPid = parsePid(await readSmallFile(dir, VM_FILES.supervisorPid));
  const [qemuAlive, supervisorAlive] = await Promise.all([
    isOurProcess(qemuPid, record.id),
    isOurProcess(supervisorPid, record.id),
  ]);
  const startedText = await readSmallFile(dir, VM_FILES.started);
  const startedAt = startedText !== undefined && /^\d+$/.test(startedText) ? new Date(Number(startedText)) : undefined;
  const base = {
    qemuAlive,
    supervisorAlive,
    ...(qemuPid === undefined ? {} : { qemuPid }),
    ...(supervisorPid === undefined ? {} : { supervisorPid }),
    ...(startedAt === undefined ? {} : { startedAt }),
  };
  if (qemuAlive) return { ...base, state: 'running' };
  let exited = await readSmallFile(dir, VM_FILES.exited);
  if (exited === undefined && !supervisorAlive && supervisorPid !== undefined) {
    await reap(dir, record, journal);
    exited = await readSmallFile(dir, VM_FILES.exited);
  }
  if (exited !== undefined) {
    const restarting = supervisorAlive && (await readSmallFile(dir, VM_FILES.restarting)) !== undefined;
    return { ...base, ...parseExited(exited), state: restarting ? 'restarting' : 'exited' };
  }
  if (!supervisorAlive) return { ...base, state: 'created' };
  return { ...base, state: qemuPid === undefined ? 'created' : 'stopping' };
}

