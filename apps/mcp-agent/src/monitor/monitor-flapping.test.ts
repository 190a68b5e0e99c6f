// The monitor on real podman, over time: a crash loop gives one flapping alert, and the cooldown outlives a restart.
import { transitionEventKind } from '@mcp/registry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { podmanCli, podmanSkipReason } from '../testing/agent-test-bed.js';
import { TEST_SETTINGS, startMonitorFixture, waitFor, type MonitorFixture } from './monitor.fixture.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`monitor over time${skipReason ? ` (${skipReason})` : ''}`, { timeout: 120_000 }, () => {
  let fixture: MonitorFixture;
  beforeAll(async () => {
    fixture = await startMonitorFixture();
  }, 120_000);
  afterEach(() => fixture.reset());
  afterAll(() => fixture.close());

  const transitionsOf = (service: string): number =>
    fixture.bed.deps.registry.listEvents({ service, limit: 100_000 }).filter((event) => event.kind === transitionEventKind).length;

  it('sends exactly one flapping alert for a container crashing in a loop, not one per crash', async () => {
    const spec = await fixture.deploy(fixture.serviceSpec({ cmd: ['sh', '-c', 'exit 1'], restart: 'always' }));
    const settings = { ...TEST_SETTINGS, alerts: { ...TEST_SETTINGS.alerts, flapping: { windowMs: 60_000, maxTransitions: 3 } } };
    const monitor = fixture.startMonitor({ settings });
    const flapping = await waitFor('the flapping alert', async () =>
      (await fixture.alertsOf(spec.name)).find((alert) => alert.env['MCP_ALERT_KIND'] === 'flapping'),
    );
    expect(flapping.env).toMatchObject({ MCP_SERVICE: spec.name, MCP_COMPONENT: 'app', MCP_DESIRED: 'running' });
    expect(flapping.env['MCP_MESSAGE']).toContain('is flapping: more than 3 state changes within 1 min');
    // Let the loop go on for many more crashes, each seen by the monitor, then look once more.
    const seen = transitionsOf(spec.name);
    await waitFor('twenty more transitions', () => (transitionsOf(spec.name) >= seen + 20 ? true : undefined), 60_000);
    await monitor.sweepNow();
    await monitor.alertsDelivered();
    const kinds = (await fixture.alertsOf(spec.name)).map((alert) => alert.env['MCP_ALERT_KIND']);
    expect(kinds.filter((kind) => kind === 'flapping')).toEqual(['flapping']);
    expect(fixture.bed.deps.registry.listEvents({ service: spec.name, limit: 100_000 }).filter((event) => event.kind === 'flapping')).toHaveLength(1);
  });

  it('keeps the cooldown across an agent restart (the registry reopened), and still reports the recovery', async () => {
    const spec = await fixture.deploy();
    const before = fixture.startMonitor();
    await podmanCli('kill', `${spec.name}-app`);
    await waitFor('the drift alert', async () => ((await fixture.alertsOf(spec.name)).length === 1 ? true : undefined));
    await before.stop();
    const deps = fixture.bed.reopenRegistry();
    const after = fixture.startMonitor({ deps });
    await after.sweepNow();
    await after.sweepNow();
    await after.alertsDelivered();
    expect((await fixture.alertsOf(spec.name)).map((alert) => alert.env['MCP_ALERT_KIND'])).toEqual(['drift']);
    await podmanCli('start', `${spec.name}-app`);
    const kinds = await waitFor('the recovery alert', async () => {
      const seen = (await fixture.alertsOf(spec.name)).map((alert) => alert.env['MCP_ALERT_KIND']);
      return seen.length === 2 ? seen : undefined;
    });
    expect(kinds).toEqual(['drift', 'recovered']);
  });
});
