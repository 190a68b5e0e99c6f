// The monitor on real podman: out-of-band kills become transitions and one drift alert, a restart a recovery alert;
// failed alert commands are recorded; rows a definition dropped never alert; old events are pruned.
import { transitionEventKind } from '@mcp/registry';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { podmanCli, podmanSkipReason } from '../testing/agent-test-bed.js';
import { createAlertRunner } from './alert-runner.js';
import { TEST_SETTINGS, startMonitorFixture, waitFor, type MonitorFixture } from './monitor.fixture.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`monitor${skipReason ? ` (${skipReason})` : ''}`, { timeout: 90_000 }, () => {
  let fixture: MonitorFixture;
  beforeAll(async () => {
    fixture = await startMonitorFixture();
  }, 120_000);
  afterEach(() => fixture.reset());
  afterAll(() => fixture.close());

  const deps = () => fixture.bed.deps;

  it('records an out-of-band kill as a transition and runs the alert command once, with the context', async () => {
    const spec = await fixture.deploy();
    const monitor = fixture.startMonitor();
    await podmanCli('kill', `${spec.name}-app`);
    const [alert] = await waitFor('the drift alert', async () => ((await fixture.alertsOf(spec.name)).length > 0 ? fixture.alertsOf(spec.name) : undefined));
    expect(alert?.env).toEqual({
      MCP_ALERT_KIND: 'drift',
      MCP_NODE: deps().node.name,
      MCP_SERVICE: spec.name,
      MCP_COMPONENT: 'app',
      MCP_DESIRED: 'running',
      MCP_OBSERVED: 'exited',
      MCP_MESSAGE: `${spec.name}/app on ${deps().node.name} is exited, desired running`,
    });
    const transition = deps()
      .registry.listEvents({ service: spec.name, component: 'app' })
      .find((event) => event.kind === transitionEventKind && event.toState === 'exited');
    expect(transition).toMatchObject({ fromState: 'running', message: `monitor: ${spec.name}-app is exited` });
    // More sweeps see the same drift: the cooldown keeps them quiet.
    await monitor.sweepNow();
    await monitor.sweepNow();
    await monitor.alertsDelivered();
    expect(await fixture.alertsOf(spec.name)).toHaveLength(1);
  });

  it('reports the recovery once the component runs again', async () => {
    const spec = await fixture.deploy();
    fixture.startMonitor();
    await podmanCli('kill', `${spec.name}-app`);
    await waitFor('the drift alert', async () => ((await fixture.alertsOf(spec.name)).length === 1 ? true : undefined));
    await podmanCli('start', `${spec.name}-app`);
    const alerts = await waitFor('the recovery alert', async () => {
      const seen = await fixture.alertsOf(spec.name);
      return seen.length >= 2 ? seen : undefined;
    });
    expect(alerts.map((alert) => [alert.env['MCP_ALERT_KIND'], alert.env['MCP_OBSERVED']])).toEqual([
      ['drift', 'exited'],
      ['recovered', 'running'],
    ]);
    expect(alerts[1]?.env['MCP_MESSAGE']).toBe(`${spec.name}/app on ${deps().node.name} is running again, as desired`);
  });

  it('records an alert command that fails and keeps watching', async () => {
    const failing = join(fixture.bed.dir.path, 'failing-notify');
    await writeFile(failing, '#!/bin/sh\necho "no route to the pager" >&2\nexit 2\n');
    await chmod(failing, 0o755);
    const spec = await fixture.deploy();
    fixture.startMonitor({ alertRunner: createAlertRunner({ command: [failing], timeoutMs: 10_000, environment: {} }) });
    await podmanCli('kill', `${spec.name}-app`);
    const failure = await waitFor('the alert-failed event', () =>
      deps().registry.listEvents({ service: spec.name }).find((event) => event.kind === 'alert-failed'),
    );
    expect(failure.message).toBe(`drift alert not delivered: ${failing} failed (exit code 2): no route to the pager`);
    await podmanCli('start', `${spec.name}-app`);
    await waitFor('the recovery, decided although the drift alert failed', () =>
      deps().registry.listEvents({ service: spec.name }).find((event) => event.kind === 'recovered'),
    );
  });

  it('never alerts for a component a later definition dropped, although its row stays', async () => {
    const spec = fixture.serviceSpec();
    const app = spec.components[0]!;
    await fixture.deploy({ ...spec, components: [app, { ...app, name: 'worker' }] });
    // The new definition drops the worker: its container goes, its row stays until purged.
    await fixture.deploy(spec);
    const monitor = fixture.startMonitor();
    await monitor.sweepNow();
    await monitor.sweepNow();
    await monitor.alertsDelivered();
    const rows = deps().registry.getService(spec.name).components.map((component) => [component.name, component.observed.state]);
    expect(rows).toEqual([
      ['app', 'running'],
      ['worker', 'missing'],
    ]);
    expect(await fixture.alertsOf(spec.name)).toEqual([]);
  });

  it('prunes events older than the retention period', async () => {
    const spec = await fixture.deploy();
    const hour = 3600_000;
    const old = deps().registry.recordEvent({ service: spec.name, kind: 'note', message: 'old', time: new Date(Date.now() - 3 * hour) });
    const recent = deps().registry.recordEvent({ service: spec.name, kind: 'note', message: 'recent' });
    fixture.startMonitor({ settings: { ...TEST_SETTINGS, eventRetentionMs: hour } });
    const ids = await waitFor('the old event to be pruned', () => {
      const kept = deps().registry.listEvents({ service: spec.name }).map((event) => event.id);
      return kept.includes(old.id) ? undefined : kept;
    });
    expect(ids).toContain(recent.id);
  });
});
