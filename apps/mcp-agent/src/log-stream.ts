// Log lines of one or several instances, interleaved as they arrive and handed out in batches (frames stay few).
import type { LogLine, LogOptions, Runtime } from '@mcp/runtime';

/** One instance whose log is read. */
export interface LogTarget {
  readonly component: string;
  /** Container or VM name. */
  readonly name: string;
  readonly runtime: Runtime;
}

export interface TaggedLine {
  readonly component: string;
  readonly line: LogLine;
}

/** Most lines in one batch. */
export const MAX_BATCH_LINES = 500;
/** Lines read ahead of a slow client before the readers wait for it. */
const MAX_QUEUED_LINES = 4 * MAX_BATCH_LINES;

/**
 * Reads every target at once; each batch holds the lines that arrived since the previous batch was taken.
 * Ends when every target's log ended (with `follow`, when its container stopped); a target's failure ends it
 * with that error once the lines before it are out. Aborting `signal` (the client went away) or leaving the
 * loop stops every reader.
 */
export async function* logBatches(
  targets: readonly LogTarget[],
  options: Omit<LogOptions, 'signal'>,
  signal: AbortSignal,
): AsyncGenerator<TaggedLine[]> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal.addEventListener('abort', onAbort);
  if (signal.aborted) stop.abort();
  const queue: TaggedLine[] = [];
  let reading = targets.length;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let roomWaiters: (() => void)[] = [];
  const wake = (): void => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };
  const releaseReaders = (): void => {
    const waiting = roomWaiters;
    roomWaiters = [];
    for (const resolve of waiting) resolve();
  };
  stop.signal.addEventListener('abort', () => {
    wake();
    releaseReaders();
  });

  const readers = targets.map(async (target) => {
    try {
      for await (const line of target.runtime.logs(target.name, { ...options, signal: stop.signal })) {
        if (stop.signal.aborted) return;
        queue.push({ component: target.component, line });
        wake();
        if (queue.length >= MAX_QUEUED_LINES) await new Promise<void>((resolve) => roomWaiters.push(resolve));
      }
    } catch (error) {
      if (!stop.signal.aborted) failure ??= { error };
    } finally {
      reading -= 1;
      wake();
    }
  });

  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH_LINES);
        releaseReaders();
        yield batch;
        continue;
      }
      if (failure !== undefined) throw failure.error;
      if (reading === 0 || stop.signal.aborted) return;
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
    }
  } finally {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
    await Promise.allSettled(readers);
  }
}
