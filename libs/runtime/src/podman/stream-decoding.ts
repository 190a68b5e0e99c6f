// Decodes podman's streamed answers: newline-delimited JSON (events, pull) and 8-byte-header multiplexed logs.
import type { LogLine } from '../types.js';

/** Parses newline-delimited JSON; a line that is not JSON is an error, never skipped silently. */
export async function* readJsonLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  let pending = '';
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') yield JSON.parse(line) as unknown;
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  if (pending.trim() !== '') yield JSON.parse(pending) as unknown;
}

export interface Frame {
  /** 0 stdin, 1 stdout, 2 stderr, 3 an error from the daemon. */
  readonly streamType: number;
  readonly payload: Buffer;
}

/** Splits the multiplexed format: [type, 0, 0, 0, size (uint32 big-endian)] then `size` bytes. */
export async function* readFrames(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Frame> {
  let buffered = Buffer.alloc(0);
  for await (const chunk of chunks) {
    buffered = buffered.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 8) {
      const size = buffered.readUInt32BE(4);
      if (buffered.length < 8 + size) break;
      yield { streamType: buffered[0] ?? 0, payload: buffered.subarray(8, 8 + size) };
      buffered = buffered.subarray(8 + size);
    }
  }
  if (buffered.length > 0) {
    throw new Error(`log stream ended inside a frame (${buffered.length} bytes left over)`);
  }
}

const TIMESTAMP_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

interface PendingLine {
  text: string;
  timestamp?: Date;
}

function lineOf(stream: LogLine['stream'], pending: PendingLine): LogLine {
  return pending.timestamp === undefined
    ? { stream, text: pending.text }
    : { stream, text: pending.text, timestamp: pending.timestamp };
}

/**
 * Reassembles lines per stream: a frame may hold a partial line (podman logs long lines in parts),
 * and with timestamps every frame starts with its own, which the line keeps from its first part.
 */
export async function* framesToLogLines(
  frames: AsyncIterable<Frame>,
  options: { timestamps: boolean },
): AsyncGenerator<LogLine> {
  const pending: Record<LogLine['stream'], PendingLine | undefined> = { stdout: undefined, stderr: undefined };
  for await (const frame of frames) {
    if (frame.streamType === 3) throw new Error(`podman reported: ${frame.payload.toString('utf8').trim()}`);
    const stream: LogLine['stream'] = frame.streamType === 2 ? 'stderr' : 'stdout';
    let text = frame.payload.toString('utf8');
    let timestamp: Date | undefined;
    if (options.timestamps) {
      const match = TIMESTAMP_PREFIX.exec(text);
      if (match?.[1] !== undefined) {
        timestamp = new Date(match[1]);
        text = text.slice(match[0].length);
      }
    }
    const current = pending[stream] ?? (timestamp === undefined ? { text: '' } : { text: '', timestamp });
    current.text += text;
    const parts = current.text.split('\n');
    const rest = parts.pop() ?? '';
    for (const part of parts) yield lineOf(stream, { ...current, text: part });
    // A rest that follows a newline of this frame began in this frame, so it takes this frame's timestamp.
    const restTimestamp = parts.length > 0 ? (timestamp ?? current.timestamp) : current.timestamp;
    pending[stream] =
      rest === '' ? undefined : restTimestamp === undefined ? { text: rest } : { text: rest, timestamp: restTimestamp };
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const left = pending[stream];
    if (left !== undefined) yield lineOf(stream, left);
  }
}
