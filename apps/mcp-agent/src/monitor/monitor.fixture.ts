// Test scaffolding for the monitor on real podman: an agent test bed, a recording alert command, services deployed
// the agent's way, monitors stopped after each test, and polling with a deadline (never a sleep as synchronisation).
import type { ComponentSpec, ServiceSpec } from '@mcp/registry';
import { isNotFound } from '@mcp/runtime';
import { uniqueName } from '@mcp/testing';
import { setTimeout as delay } from 'node:timers/promises';
import type { AgentDeps } from '../deps.js';
import { deployService } from '../deploy.js';
import { withServiceLock } from '../service-lock.js';
import { startAgentTestBed, type AgentTestBed } from '../testing/agent-test-bed.js';
import { createAlertRecorder, type AlertRecord, type AlertRecorder } from './alert-recorder.fixture.js';
import { createAlertRunner, type AlertRunner } from './alert-runner.js';
import { Monitor, type MonitorOptions, type MonitorSettings } from './monitor.js';

/** Fast sweeps, a long cooldown (so a repeat within a test is a bug, not timing), a short settle time. */
export const TEST_SETTINGS: MonitorSettings = {
  sweepIntervalMs: 250,
  eventRetentionMs: 7 * 24 * 3600_000,
  alerts: { flapping: { windowMs: 60_000, maxTransitions: 10 }, cooldownMs: 3600_000, recoverySettleMs: 300 },
};

/** A long-running process that SIGKILL stops at once. */
export const SLEEPER = ['sleep', '3600'];

export interface MonitorFixture {
  readonly bed: AgentTestBed;
  readonly recorder: AlertRecorder;
  /** A one-component service named uniquely, without routes (so no host ports). */
  serviceSpec(component?: Partial<ComponentSpec>): ServiceSpec;
  /** Deploys the way the Deploy RPC does (under the service's lock); a spec of serviceSpec() by default. */
  deploy(spec?: ServiceSpec, deps?: AgentDeps): Promise<ServiceSpec>;
  /** A started monitor on `deps` (the bed's by default) whose alerts go to the recorder; stopped by reset(). */
  startMonitor(options?: { settings?: MonitorSettings; deps?: AgentDeps; alertRunner?: AlertRunner } & Pick<MonitorOptions, 'reconnectBackoff'>): Monitor;
  /** After each test: stops the monitors, removes this node's containers and forgets every service. */
  reset(): Promise<void>;
  /** Alert records of one service. */
  alertsOf(service: string): Promise<AlertRecord[]>;
  close(): Promise<void>;
}

/** Polls `probe` until it returns something other than undefined; fails naming `what` after the deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

/**
 * Force-removes a container, trying again while podman reports the race of a crash loop ("could not be stopped …
 * state improper: stopped": it restarted the container between the kill and the removal).
 */
async function removeContainer(bed: AgentTestBed, name: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await bed.runtime.remove(name, { force: true });
      return;
    } catch (error) {
      if (isNotFound(error)) return;
      if (Date.now() > deadline) throw error;
      await delay(50);
    }
  }
}

export async function startMonitorFixture(): Promise<MonitorFixture> {
  const bed = await startAgentTestBed();
  const recorder = await createAlertRecorder(bed.dir.path);
  const monitors: Monitor[] = [];
  const serviceSpec = (component: Partial<ComponentSpec> = {}): ServiceSpec => ({
    name: uniqueName('mon'),
    active: true,
    tier: 'worker',
    snapshot: { method: '', exclude: [] },
    components: [{ name: 'app', image: bed.image, runtime: 'container', vcpus: 1, ports: [], volumes: [], env: [], cmd: SLEEPER, routes: [], ...component }],
  });
  return {
    bed,
    recorder,
    serviceSpec,
    async deploy(spec = serviceSpec(), deps = bed.deps) {
      const outcome = await withServiceLock(deps.registry, spec.name, () => deployService(deps, { spec, pull: 'never' }));
      if (!outcome.success) throw new Error(`deploy failed: ${outcome.results.map((result) => result.error).join('; ')}`);
      return spec;
    },
    startMonitor(options = {}) {
      const monitor = new Monitor({
        deps: options.deps ?? bed.deps,
        settings: options.settings ?? TEST_SETTINGS,
        alertRunner: options.alertRunner ?? createAlertRunner({ command: recorder.command(), timeoutMs: 10_000, environment: {} }),
        ...(options.reconnectBackoff === undefined ? {} : { reconnectBackoff: options.reconnectBackoff }),
      });
      monitors.push(monitor);
      monitor.start();
      return monitor;
    },
    async reset() {
      for (const monitor of monitors.splice(0)) await monitor.stop();
      for (const container of await bed.runtime.list({ node: bed.deps.node.name })) await removeContainer(bed, container.name);
      for (const service of bed.deps.registry.listServices()) bed.deps.registry.deleteService(service.name);
    },
    alertsOf: async (service) => (await recorder.records()).filter((record) => record.env['MCP_SERVICE'] === service),
    async close() {
      for (const monitor of monitors.splice(0)) await monitor.stop();
      await bed.stop();
    },
  };
}
