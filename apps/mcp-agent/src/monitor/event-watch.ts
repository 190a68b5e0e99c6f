// Follows one runtime's event stream for this node's containers (or VMs); when the stream breaks or ends it is
// opened again after a backoff, and a sweep is asked for, since events of the gap are lost.
import type { RuntimeEvent } from '@mcp/runtime';
import type { AgentLog } from '../deps.js';
import type { InstanceSource } from '../own-instances.js';

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Half a second, doubling, at most 30 s: a podman service restart is caught quickly, a dead one not hammered. */
export const DEFAULT_RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000 };

/** The wait before reopening after `failures` consecutive breaks (≥ 1). */
export function reconnectDelayMs(failures: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
}

/** Resolves after `ms`, or at once when the signal aborts; never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** What one stream has done so far (diagnostics, and how tests see a stream come back). */
export interface StreamStatus {
  readonly backend: string;
  eventsReceived: number;
  /** Times the stream broke or ended and was reopened. */
  breaks: number;
}

export interface EventWatchOptions {
  readonly source: InstanceSource;
  readonly node: string;
  readonly log: AgentLog;
  readonly signal: AbortSignal;
  readonly backoff: BackoffPolicy;
  readonly sleep: Sleep;
  readonly status: StreamStatus;
  onEvent(event: RuntimeEvent): void;
  /** The stream is being reopened after a break. */
  onReopen(): void;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs until the signal aborts. */
export async function watchEvents(options: EventWatchOptions): Promise<void> {
  const { source, signal, status } = options;
  let failures = 0;
  while (!signal.aborted) {
    let reason: string;
    try {
      for await (const event of source.runtime.events({ node: options.node, signal })) {
        failures = 0;
        status.eventsReceived += 1;
        options.onEvent(event);
      }
      if (signal.aborted) return;
      reason = 'the stream ended';
    } catch (error) {
      if (signal.aborted) return;
      reason = describe(error);
    }
    failures += 1;
    status.breaks += 1;
    const retryInMs = reconnectDelayMs(failures, options.backoff);
    options.log.warn({ backend: source.runtime.backend, error: reason, failures, retryInMs }, 'runtime event stream broke; reopening it');
    await options.sleep(retryInMs, signal);
    if (!signal.aborted) options.onReopen();
  }
}
