// A VM's logs: its serial console as the supervisor recorded it, one `<epoch seconds> <text>` per line.
import { open, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { LogLine, LogOptions } from '../types.js';

export interface ConsoleLine {
  readonly text: string;
  /** Whole seconds (awk's systime()). */
  readonly timeMs?: number;
}

export function parseConsoleLine(line: string): ConsoleLine {
  const match = /^(\d+) (.*)$/s.exec(line);
  return match === null ? { text: line } : { text: match[2] ?? '', timeMs: Number(match[1]) * 1000 };
}

/** Pure: since (compared at the log's whole-second precision, so a line of that same second stays), then tail. */
export function selectLines(lines: readonly ConsoleLine[], options: Pick<LogOptions, 'since' | 'tail'>): ConsoleLine[] {
  const sinceMs = options.since === undefined ? undefined : Math.floor(options.since.getTime() / 1000) * 1000;
  const kept = sinceMs === undefined ? [...lines] : lines.filter((line) => (line.timeMs ?? 0) >= sinceMs);
  return options.tail === undefined ? kept : kept.slice(Math.max(0, kept.length - options.tail));
}

export function toLogLine(line: ConsoleLine, timestamps: boolean): LogLine {
  return {
    stream: 'stdout',
    text: line.text,
    ...(timestamps && line.timeMs !== undefined ? { timestamp: new Date(line.timeMs) } : {}),
  };
}

/** Reads complete lines from `position` on; returns them and the position after the last newline. */
async function readFrom(path: string, position: number): Promise<{ lines: string[]; position: number }> {
  const size = await stat(path).then((info) => info.size, () => 0);
  if (size <= position) return { lines: [], position: size < position ? 0 : position };
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size - position);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) return { lines: [], position };
    return { lines: text.slice(0, end).split('\n'), position: position + Buffer.byteLength(text.slice(0, end + 1)) };
  } finally {
    await handle.close();
  }
}

export interface ConsoleFollow {
  /** True once the VM will write no more (exited, not restarting) or is gone. */
  finished(): Promise<boolean>;
  readonly pollIntervalMs?: number;
}

/** The lines asked for; with follow, keeps reading until the VM is finished or the signal aborts. */
export async function* readConsole(path: string, options: LogOptions, follow: ConsoleFollow): AsyncGenerator<LogLine> {
  const timestamps = options.timestamps === true;
  const first = await readFrom(path, 0);
  for (const line of selectLines(first.lines.map(parseConsoleLine), options)) yield toLogLine(line, timestamps);
  if (options.follow !== true) return;
  let position = first.position;
  const sinceMs = options.since?.getTime();
  while (options.signal?.aborted !== true) {
    // Asked before reading: whatever was written before the VM finished is read on this pass.
    const finished = await follow.finished();
    const next = await readFrom(path, position);
    position = next.position;
    for (const line of next.lines.map(parseConsoleLine)) {
      if (sinceMs === undefined || (line.timeMs ?? 0) >= Math.floor(sinceMs / 1000) * 1000) yield toLogLine(line, timestamps);
    }
    if (finished) return;
    if (next.lines.length === 0) {
      await delay(follow.pollIntervalMs ?? 100, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}
