// The agent's monitor (SPEC §4): follows every runtime's event stream, sweeps all services periodically as a safety
// net, records each state change, sends the alerts detect.ts decides, and prunes old events.
import { SERVICE_LABEL, type RuntimeEvent } from '@mcp/runtime';
import { setTimeout as delay } from 'node:timers/promises';
import type { AgentDeps, AgentLog } from '../deps.js';
import { instanceSources } from '../own-instances.js';
import type { Alert, AlertRunner } from './alert-runner.js';
import type { AlertPolicy } from './detect.js';
import { DEFAULT_RECONNECT_BACKOFF, watchEvents, type BackoffPolicy, type Sleep, type StreamStatus } from './event-watch.js';
import { observeService } from './observe-service.js';

export interface MonitorSettings {
  /** Pause between two sweeps of every service. */
  readonly sweepIntervalMs: number;
  /** Events older than this are pruned. */
  readonly eventRetentionMs: number;
  readonly alerts: AlertPolicy;
}

export interface MonitorOptions {
  readonly deps: AgentDeps;
  readonly settings: MonitorSettings;
  readonly alertRunner: AlertRunner;
  readonly sleep?: Sleep;
  readonly reconnectBackoff?: BackoffPolicy;
  /** Sweeps of other things the agent owns (the node proxy), run after each sweep of the services. */
  readonly extraSweeps?: readonly (() => Promise<readonly Alert[]>)[];
}

export interface MonitorStatus {
  readonly streams: readonly Readonly<StreamStatus>[];
}

/** Services observed at once: a sweep of many services does not flood the runtimes. */
const MAX_CONCURRENT_OBSERVATIONS = 4;
/** Pruning runs with a sweep at most this often (and at the first one). */
const PRUNE_INTERVAL_MS = 60 * 60_000;

const defaultSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined);

export class Monitor {
  private readonly deps: AgentDeps;
  private readonly log: AgentLog;
  private readonly settings: MonitorSettings;
  private readonly alertRunner: AlertRunner;
  private readonly sleep: Sleep;
  private readonly backoff: BackoffPolicy;
  private readonly streams: StreamStatus[] = [];
  private controller: AbortController | undefined;
  private stopped = false;
  private loops: Promise<void>[] = [];
  // Observation requests by ticket: a request is served by an observation that starts after it was made, so a
  // burst of events for one service costs at most one observation running and one waiting.
  private ticket = 0;
  private readonly wanted = new Map<string, number>();
  private readonly running = new Map<string, number>();
  private readonly served = new Map<string, number>();
  private waiters: { readonly names: readonly string[]; readonly ticket: number; readonly resolve: () => void }[] = [];
  private alertQueue: Promise<void> = Promise.resolve();
  private lastPruneAt: Date | undefined;
  private readonly extraSweeps: readonly (() => Promise<readonly Alert[]>)[];

  constructor(options: MonitorOptions) {
    this.deps = options.deps;
    this.log = options.deps.log.child({ component: 'monitor' });
    this.settings = options.settings;
    this.alertRunner = options.alertRunner;
    this.sleep = options.sleep ?? defaultSleep;
    this.backoff = options.reconnectBackoff ?? DEFAULT_RECONNECT_BACKOFF;
    this.extraSweeps = options.extraSweeps ?? [];
  }

  /** Opens the event streams and starts sweeping (the first sweep at once). */
  start(): void {
    if (this.controller !== undefined || this.stopped) throw new Error('a monitor starts once');
    const controller = new AbortController();
    this.controller = controller;
    const signal = controller.signal;
    for (const source of instanceSources(this.deps)) {
      const status: StreamStatus = { backend: source.runtime.backend, eventsReceived: 0, breaks: 0 };
      this.streams.push(status);
      const watch = watchEvents({
        source,
        node: this.deps.node.name,
        log: this.log,
        signal,
        backoff: this.backoff,
        sleep: this.sleep,
        status,
        onEvent: (event) => this.onEvent(event),
        onReopen: () => this.request(this.serviceNames()),
      });
      this.loops.push(watch);
    }
    this.loops.push(this.sweepLoop(signal));
    this.log.info(
      { sweepIntervalMs: this.settings.sweepIntervalMs, streams: this.streams.map((stream) => stream.backend) },
      'monitor started',
    );
  }

  /** Stops the streams and the sweeps; waits for observations under way and for queued alerts to be delivered. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.controller?.abort();
    this.wanted.clear();
    await Promise.all(this.loops);
    this.loops = [];
    while (this.running.size > 0) await this.whenServed([...this.running.keys()], this.ticket);
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    await this.alertsDelivered();
  }

  /**
   * Observes every service of the registry once more; resolves when each has been observed since the call (also
   * before start(), for a one-off look).
   */
  async sweepNow(): Promise<void> {
    const names = this.serviceNames();
    await this.whenServed(names, this.request(names));
  }

  /** Resolves once every alert queued so far has been delivered (or has failed). */
  async alertsDelivered(): Promise<void> {
    for (let tail = this.alertQueue; ; tail = this.alertQueue) {
      await tail;
      if (tail === this.alertQueue) return;
    }
  }

  status(): MonitorStatus {
    return { streams: this.streams.map((stream) => ({ ...stream })) };
  }

  private serviceNames(): string[] {
    return this.deps.registry.listServices().map((service) => service.name);
  }

  private onEvent(event: RuntimeEvent): void {
    const service = event.labels[SERVICE_LABEL];
    if (service !== undefined) this.request([service]);
  }

  private async sweepLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.sweepNow();
        for (const sweep of this.extraSweeps) {
          for (const alert of await sweep()) this.enqueueAlert(alert);
        }
        this.pruneIfDue();
      } catch (error) {
        this.log.error({ err: error }, 'monitor sweep failed');
      }
      await this.sleep(this.settings.sweepIntervalMs, signal);
    }
  }

  private pruneIfDue(): void {
    const now = this.deps.clock.now();
    if (this.lastPruneAt !== undefined && now.getTime() - this.lastPruneAt.getTime() < PRUNE_INTERVAL_MS) return;
    this.lastPruneAt = now;
    const pruned = this.deps.registry.pruneEvents(this.settings.eventRetentionMs);
    if (pruned > 0) this.log.info({ pruned, retentionMs: this.settings.eventRetentionMs }, 'pruned old events');
  }

  private request(names: readonly string[]): number {
    this.ticket += 1;
    if (this.stopped) return this.ticket;
    for (const name of names) this.wanted.set(name, this.ticket);
    this.pump();
    return this.ticket;
  }

  private pump(): void {
    for (const [name, ticket] of this.wanted) {
      if (this.running.size >= MAX_CONCURRENT_OBSERVATIONS) return;
      if (this.running.has(name)) continue;
      this.wanted.delete(name);
      this.running.set(name, ticket);
      void this.observe(name).finally(() => {
        this.running.delete(name);
        this.served.set(name, Math.max(ticket, this.served.get(name) ?? 0));
        this.settleWaiters();
        this.pump();
      });
    }
  }

  private async observe(name: string): Promise<void> {
    try {
      const alerts = await observeService(this.deps, name, this.settings.alerts);
      for (const alert of alerts) this.enqueueAlert(alert);
    } catch (error) {
      this.log.error({ service: name, err: error }, 'monitor could not observe a service');
    }
  }

  private whenServed(names: readonly string[], ticket: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ names, ticket, resolve });
      this.settleWaiters();
    });
  }

  private settleWaiters(): void {
    const stopped = this.stopped;
    this.waiters = this.waiters.filter((waiter) => {
      const done = waiter.names.every((name) =>
        stopped ? !this.running.has(name) : (this.served.get(name) ?? 0) >= waiter.ticket,
      );
      if (done) waiter.resolve();
      return !done;
    });
  }

  private enqueueAlert(alert: Alert): void {
    this.alertQueue = this.alertQueue.then(() => this.deliver(alert));
  }

  /** Logs the alert, runs the command; a failure is logged and recorded, never thrown. */
  private async deliver(alert: Alert): Promise<void> {
    const fields = { kind: alert.kind, service: alert.service, component: alert.component, desired: alert.desired, observed: alert.observed };
    if (alert.kind === 'recovered') this.log.info(fields, alert.message);
    else this.log.warn(fields, alert.message);
    const outcome = await this.alertRunner.run(alert).catch((error: unknown) => ({
      status: 'failed' as const,
      reason: error instanceof Error ? error.message : String(error),
    }));
    if (outcome.status !== 'failed') return;
    this.log.error({ ...fields, reason: outcome.reason }, 'alert command failed');
    try {
      this.deps.registry.recordEvent({
        service: alert.service,
        component: alert.component,
        kind: 'alert-failed',
        message: `${alert.kind} alert not delivered: ${outcome.reason}`,
      });
    } catch (error) {
      this.log.error({ ...fields, err: error }, 'could not record the failed alert');
    }
  }
}
