// Watches heartbeats: a node silent for the threshold is probed with HealthCheck, and marked unhealthy
// when the probe fails (its next heartbeat makes it healthy again: the Heartbeat handler does that).
import { ConnectError } from '@connectrpc/connect';
import type { AgentClients, MasterLog, MasterStore, NodeRecord } from './deps.js';
import { periodicPass, type PeriodicPass } from './periodic-pass.js';

/** Runs `tick` every `periodMs` until cancelled; injected so tests fire ticks themselves. */
export interface IntervalTimer {
  every(periodMs: number, tick: () => void): { cancel(): void };
}

export const systemTimer: IntervalTimer = {
  every(periodMs, tick) {
    const handle = setInterval(tick, periodMs);
    return { cancel: () => clearInterval(handle) };
  },
};

export interface SilentNode {
  readonly node: NodeRecord;
  readonly silentForMs: number;
}

/**
 * Nodes to probe now: not already unhealthy, and not heard from for `unhealthyAfterMs`. Silence counts
 * from the last heartbeat, else the registration, and never from before `watchingSince` (the master's
 * start): heartbeats sent while it was down could not be received.
 */
export function silentNodes(
  nodes: readonly NodeRecord[],
  input: { readonly now: Date; readonly watchingSince: Date; readonly unhealthyAfterMs: number },
): SilentNode[] {
  const silent: SilentNode[] = [];
  for (const node of nodes) {
    if (node.status === 'unhealthy') continue;
    const heard = node.lastHeartbeat ?? node.registeredAt ?? input.watchingSince;
    const since = Math.max(heard.getTime(), input.watchingSince.getTime());
    const silentForMs = input.now.getTime() - since;
    if (silentForMs >= input.unhealthyAfterMs) silent.push({ node, silentForMs });
  }
  return silent;
}

export type ProbeOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** What a finished probe means, given the node as it was when probed and as it is now. */
export type ProbeVerdict = 'mark-unhealthy' | 'alive' | 'heard-meanwhile' | 'gone';

export function verdictOf(probed: NodeRecord, current: NodeRecord | undefined, outcome: ProbeOutcome): ProbeVerdict {
  if (current === undefined) return 'gone';
  // A heartbeat that landed while the probe ran is fresher news than the probe's failure.
  if (current.lastHeartbeat?.getTime() !== probed.lastHeartbeat?.getTime()) return 'heard-meanwhile';
  if (outcome.ok) return 'alive';
  return current.status === 'unhealthy' ? 'heard-meanwhile' : 'mark-unhealthy';
}

export interface HealthMonitorOptions {
  readonly store: MasterStore;
  readonly agents: AgentClients;
  readonly log: MasterLog;
  readonly clock: { now(): Date };
  readonly timer: IntervalTimer;
  readonly unhealthyAfterMs: number;
  readonly probeTimeoutMs: number;
  readonly checkPeriodMs: number;
}

export interface CheckReport {
  /** Nodes probed in this pass, by name. */
  readonly probed: readonly string[];
  /** Nodes this pass marked unhealthy. */
  readonly markedUnhealthy: readonly string[];
}

export class HealthMonitor {
  readonly #options: HealthMonitorOptions;
  readonly #log: MasterLog;
  readonly #watchingSince: Date;
  /** Nodes answering probes without heartbeating, with the heartbeat they had then: warned about once. */
  readonly #answeringSilently = new Map<string, number | undefined>();
  readonly #schedule: PeriodicPass;

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'health-monitor' });
    this.#watchingSince = options.clock.now();
    this.#schedule = periodicPass({
      timer: options.timer,
      periodMs: options.checkPeriodMs,
      pass: () => this.check(),
      onError: (error) => this.#log.error({ err: error }, 'health check pass failed'),
    });
  }

  /** Checks every check period from now on; a pass still running when the next is due is not doubled. */
  start(): void {
    this.#schedule.start();
  }

  /** Stops the schedule and waits for a pass in progress, so the store can be closed after it. */
  stop(): Promise<void> {
    return this.#schedule.stop();
  }

  /** One pass: probe every silent node at once, then record what the probes showed. */
  async check(): Promise<CheckReport> {
    const { store, clock, unhealthyAfterMs } = this.#options;
    const silent = silentNodes(store.listNodes(), { now: clock.now(), watchingSince: this.#watchingSince, unhealthyAfterMs });
    const verdicts = await Promise.all(silent.map(async (entry) => ({ entry, verdict: await this.#probeAndRecord(entry) })));
    return {
      probed: silent.map((entry) => entry.node.name),
      markedUnhealthy: verdicts.filter(({ verdict }) => verdict === 'mark-unhealthy').map(({ entry }) => entry.node.name),
    };
  }

  async #probeAndRecord({ node, silentForMs }: SilentNode): Promise<ProbeVerdict> {
    const outcome = await this.#probe(node);
    const verdict = verdictOf(node, this.#options.store.findNode(node.name), outcome);
    const log = this.#log.child({ node: node.name, address: node.address });
    if (verdict === 'mark-unhealthy' && !outcome.ok) {
      this.#options.store.setNodeStatus(node.name, 'unhealthy');
      log.warn({ from: node.status, silentForMs, reason: outcome.reason }, 'node unhealthy: no heartbeat and the HealthCheck probe failed');
    } else if (verdict === 'alive') {
      const heartbeatMs = node.lastHeartbeat?.getTime();
      if (!this.#answeringSilently.has(node.name) || this.#answeringSilently.get(node.name) !== heartbeatMs) {
        this.#answeringSilently.set(node.name, heartbeatMs);
        log.warn({ silentForMs }, 'node answers HealthCheck but sends no heartbeats; is its agent configured with this master?');
      }
    }
    return verdict;
  }

  async #probe(node: NodeRecord): Promise<ProbeOutcome> {
    try {
      await this.#options.agents.forAddress(node.address).healthCheck({}, { timeoutMs: this.#options.probeTimeoutMs });
      return { ok: true };
    } catch (error) {
      const connectError = ConnectError.from(error);
      return { ok: false, reason: `HealthCheck to ${node.address}: ${connectError.message}` };
    }
  }
}
