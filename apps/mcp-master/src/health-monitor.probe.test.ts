// The probes cross a real socket: the agents here are scripted McpAgentService servers over TLS 1.3 on
// loopback (testing/scripted-agents.ts), standing in for mcp-agent only in this unit test.
import { create } from '@bufbuild/protobuf';
import { HealthCheckResponseSchema } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HealthMonitor, type IntervalTimer } from './health-monitor.js';
import { manualTimer } from './testing/manual-timer.js';
import { startFleetTestBed, type FleetTestBed } from './testing/scripted-agents.js';

const healthy = () => create(HealthCheckResponseSchema, { status: 'healthy', containers: 1 });

describe('the health monitor probing real gRPC servers', () => {
  let fleet: FleetTestBed;
  beforeEach(async () => {
    fleet = await startFleetTestBed();
  });
  afterEach(async () => {
    await fleet.close();
  });

  function monitor(timer: IntervalTimer = manualTimer()): HealthMonitor {
    return new HealthMonitor({
      store: fleet.deps.store,
      agents: fleet.deps.agents,
      log: fleet.deps.log,
      clock: fleet.store.clock,
      timer,
      unhealthyAfterMs: 90_000,
      probeTimeoutMs: 300,
      checkPeriodMs: 10_000,
    });
  }

  /** A monitor that started watching, then 90 s of silence from every node. */
  function afterSilence(timer?: IntervalTimer): HealthMonitor {
    const watching = monitor(timer);
    fleet.store.clock.advance(90_000);
    return watching;
  }

  it('keeps a silent node whose agent answers the probe, and warns that it sends no heartbeats', async () => {
    await fleet.startAgent({ name: 'vega', lastHeartbeat: fleet.store.clock.now() }, { healthCheck: healthy });
    const report = await afterSilence().check();
    expect(report).toEqual({ probed: ['vega'], markedUnhealthy: [] });
    expect(fleet.store.store.findNode('vega')?.status).toBe('healthy');
    expect(fleet.logs.lines()).toContainEqual(expect.objectContaining({ node: 'vega', msg: expect.stringContaining('sends no heartbeats') }));
  });

  it('marks a silent node whose agent is gone unhealthy and logs the transition', async () => {
    await fleet.addDeadNode({ name: 'dead', lastHeartbeat: fleet.store.clock.now() });
    const report = await afterSilence().check();
    expect(report.markedUnhealthy).toEqual(['dead']);
    expect(fleet.store.store.findNode('dead')?.status).toBe('unhealthy');
    expect(fleet.logs.lines()).toContainEqual(
      expect.objectContaining({ level: 40, node: 'dead', from: 'healthy', msg: expect.stringContaining('node unhealthy') }),
    );
  });

  it('marks a silent node whose agent does not answer within the probe timeout unhealthy', async () => {
    await fleet.startAgent({ name: 'hung', lastHeartbeat: fleet.store.clock.now() }, { healthCheck: () => new Promise<never>(() => {}) });
    expect((await afterSilence().check()).markedUnhealthy).toEqual(['hung']);
  });

  it('does not probe a node that heartbeat within the threshold', async () => {
    const calls: string[] = [];
    const watching = monitor();
    fleet.store.clock.advance(90_000);
    await fleet.startAgent({ name: 'vega', lastHeartbeat: fleet.store.clock.now() }, { healthCheck: () => (calls.push('HealthCheck'), healthy()) });
    expect(await watching.check()).toEqual({ probed: [], markedUnhealthy: [] });
    expect(calls).toEqual([]);
  });

  it('keeps a node whose heartbeat arrives while its probe fails', async () => {
    const store = fleet.deps.store;
    await fleet.startAgent(
      { name: 'late', lastHeartbeat: fleet.store.clock.now() },
      {
        healthCheck: () => {
          store.recordHeartbeat('late', { at: fleet.store.clock.now(), cpuMillicores: 0, memoryBytes: 0, diskBytes: 0, containers: 0 });
          throw new Error('busy');
        },
      },
    );
    expect((await afterSilence().check()).markedUnhealthy).toEqual([]);
    expect(store.findNode('late')?.status).toBe('healthy');
  });

  it('checks on every tick of its period once started, and stops cleanly', async () => {
    const timer = manualTimer();
    await fleet.addDeadNode({ name: 'dead', lastHeartbeat: fleet.store.clock.now() });
    const watching = afterSilence(timer);
    watching.start();
    expect(timer.periodMs).toBe(10_000);
    timer.fire();
    await watching.stop();
    expect(fleet.store.store.findNode('dead')?.status).toBe('unhealthy');
  });
});
