// The VM event journal: one JSON line per event, appended by the runtime and by each VM's supervisor (even with no agent running).
import { appendFile, open, rename, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { RuntimeEvent, RuntimeEventAction } from '../types.js';
import type { VmRecord } from './vm-record.js';

const ACTIONS: ReadonlySet<string> = new Set<RuntimeEventAction>([
  'create', 'start', 'stop', 'kill', 'die', 'restart', 'pause', 'unpause', 'remove',
]);

/** What identifies a VM in its events. */
export interface EventSubject {
  readonly containerId: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
}

export function subjectOf(record: VmRecord): EventSubject {
  return { containerId: record.id, name: record.settings.name, image: record.settings.image, labels: record.settings.labels };
}

/**
 * The start of a journal line, up to the action: the supervisor (a shell script) completes it with the
 * action, an optional exit code and the time, so it never has to quote JSON itself.
 */
export function journalLinePrefix(subject: EventSubject): string {
  const json = JSON.stringify({
    containerId: subject.containerId,
    name: subject.name,
    image: subject.image,
    labels: subject.labels,
  });
  return `${json.slice(0, -1)},`;
}

export async function appendEvent(
  journal: string,
  subject: EventSubject,
  action: RuntimeEventAction,
  extra: { exitCode?: number; timeMs?: number } = {},
): Promise<void> {
  const line = `${journalLinePrefix(subject)}"action":${JSON.stringify(action)}${
    extra.exitCode === undefined ? '' : `,"exitCode":${extra.exitCode}`
  },"timeMs":${extra.timeMs ?? Date.now()}}\n`;
  // One write of a line under PIPE_BUF with O_APPEND: concurrent writers never interleave.
  await appendFile(journal, line);
}

/** A journal line as an event; undefined for a line that is not one (torn by a crash, or foreign). */
export function parseJournalLine(line: string): RuntimeEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  const { action, containerId, name, image, labels, exitCode, timeMs } = entry;
  if (typeof action !== 'string' || !ACTIONS.has(action)) return undefined;
  if (typeof containerId !== 'string' || typeof name !== 'string' || typeof image !== 'string') return undefined;
  if (typeof timeMs !== 'number' || typeof labels !== 'object' || labels === null) return undefined;
  return {
    action: action as RuntimeEventAction,
    containerId,
    name,
    image,
    labels: labels as Record<string, string>,
    ...(typeof exitCode === 'number' ? { exitCode } : {}),
    time: new Date(timeMs),
  };
}

export interface FollowOptions {
  /** Replay from the journal's start, keeping events at or after this time; absent: only new events. */
  readonly since?: Date;
  readonly signal?: AbortSignal;
  readonly pollIntervalMs?: number;
  /** Runs before each read (the runtime notices VMs whose supervisor vanished and journals their die). */
  readonly beforeRead?: () => Promise<void>;
}

/** Streams the journal's events until the signal aborts; survives the journal being rotated. */
export async function* followJournal(journal: string, options: FollowOptions = {}): AsyncGenerator<RuntimeEvent> {
  const sinceMs = options.since?.getTime();
  const current = await stat(journal).catch(() => undefined);
  let inode = current?.ino;
  let position = sinceMs === undefined ? (current?.size ?? 0) : 0;
  let partial = '';
  const aborted = (): boolean => options.signal?.aborted === true;
  while (!aborted()) {
    await options.beforeRead?.();
    const now = await stat(journal).catch(() => undefined);
    if (now !== undefined && (now.ino !== inode || now.size < position)) {
      inode = now.ino;
      position = 0;
      partial = '';
    }
    if (now !== undefined && now.size > position) {
      const handle = await open(journal, 'r');
      const buffer = Buffer.alloc(now.size - position);
      try {
        await handle.read(buffer, 0, buffer.length, position);
      } finally {
        await handle.close();
      }
      position = now.size;
      const lines = (partial + buffer.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const event = parseJournalLine(line);
        if (event !== undefined && (sinceMs === undefined || event.time.getTime() >= sinceMs)) yield event;
        if (aborted()) return;
      }
      continue;
    }
    await delay(options.pollIntervalMs ?? 100, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/** Keeps the journal bounded: past maxBytes it becomes events.jsonl.1 (replacing an older one) and a new one starts. */
export async function rotateJournal(journal: string, maxBytes: number): Promise<void> {
  const info = await stat(journal).catch(() => undefined);
  if (info !== undefined && info.size > maxBytes) await rename(journal, `${journal}.1`);
}
