// The agent's monitor as the proxy's keeper (SPEC §7), on real podman, HAProxy and Pebble, with a real alert
// command: the monitor's own sweep loop runs the proxy sweep after each sweep of the services. The sweep period is
// stepped by the test (the loop's sleep waits for the test), so "within the sweep period" means "by the end of the
// next sweep", and a repeat alert over the sweeps that follow would be seen.
import { fetchThrough } from '@mcp/proxy/testing';
import { haproxyProcessInfo } from '@mcp/proxy';
import { BUSYBOX_INDEX_HTML, ensureOpensslImage } from '@mcp/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { hostPortOf } from './deploy.fixture.js';
import { undeployService } from './lifecycle.js';
import { createAlertRecorder, type AlertRecorder } from './monitor/alert-recorder.fixture.js';
import { createAlertRunner } from './monitor/alert-runner.js';
import { Monitor } from './monitor/monitor.js';
import { TEST_SETTINGS } from './monitor/monitor.fixture.js';
import { PERIOD_MS, steppedPeriods } from './monitor/stepped-periods.fixture.js';
import { startProxyFixture, TEST_ZONE, type ProxyFixture } from './proxy.fixture.js';
import { inMemoryClient } from './rpc/in-memory-client.fixture.js';
import { proxyRpcs } from './rpc/proxy-rpcs.js';
import { createProxySweepState, sweepProxy } from './proxy-sweep.js';
import { sniServer } from './sni-server.fixture.js';
import { podmanSkipReason } from './testing/agent-test-bed.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`the monitor keeps the proxy${skipReason ? ` (${skipReason})` : ''}`, { timeout: 180_000 }, () => {
  let bed: ProxyFixture;
  let recorder: AlertRecorder;
  beforeAll(async () => {
    bed = await startProxyFixture();
    recorder = await createAlertRecorder(bed.fixture.bed.dir.path, 'proxy-alerts');
  });
  afterAll(() => bed.close());

  const proxyAlerts = async () =>
    (await recorder.records()).filter((record) => record.env.MCP_ALERT_KIND?.startsWith('proxy-')).map((record) => `${record.env.MCP_ALERT_KIND}: ${record.env.MCP_MESSAGE}`);

  it('brings a killed HAProxy back with every route within one sweep period, puts back and removes what changed behind its back, each alerted once', async () => {
    const caPem = await bed.rootPem();
    const backendCaPem = await readFile(bed.backendCa.certPath, 'utf8');
    // Three routes on one listener: l7 to busybox httpd, l4 to a TLS server in a container, and an l7 hand route.
    const web = bed.fixture.httpService({}, { routes: [{ name: 'http', port: bed.listenerPort, mode: 'l7', public: false }] });
    expect((await deployService(bed.deps, { spec: web, pull: 'never' })).success).toBe(true);
    const tls = bed.fixture.httpService();
    const passHost = `${tls.name}.${TEST_ZONE}`;
    const pass = await sniServer({ image: await ensureOpensslImage(), authority: bed.backendCa, dir: join(bed.fixture.bed.dir.path, 'sni', tls.name), hostname: passHost, port: '$PORT' });
    const tlsSpec = { ...tls, components: [{ ...tls.components[0]!, ...pass.component, name: 'pass', routes: [{ name: 'tls', port: bed.listenerPort, mode: 'l4' as const, public: false }] }] };
    expect((await deployService(bed.deps, { spec: tlsSpec, pull: 'never' })).success).toBe(true);
    const webHost = `${web.name}.${TEST_ZONE}`;
    const handHost = `hand-${web.name}.${TEST_ZONE}`;
    const rpc = inMemoryClient(bed.deps, [proxyRpcs]);
    await rpc.addProxyRoute({ listenerPort: bed.listenerPort, hostname: handHost, backend: `127.0.0.1:${hostPortOf(bed.deps, web.name)}`, mode: 'l7' });
    const serving = async () => {
      const answers = await Promise.all([
        fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: webHost, caPem }),
        fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: handHost, caPem }),
        fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: passHost, caPem: backendCaPem }),
      ]);
      return answers.map((answer) => (answer.serial === pass.serial ? `${answer.status} container's certificate` : `${answer.status} ${answer.body}`));
    };
    const allServed = [`200 ${BUSYBOX_INDEX_HTML}`, `200 ${BUSYBOX_INDEX_HTML}`, "200 container's certificate"];
    expect(await serving()).toEqual(allServed);
    const routes = await bed.driver.listRoutes();
    expect(routes.map((route) => route.hostname).sort()).toEqual([handHost, passHost, webHost].sort());

    const periods = steppedPeriods();
    const sweepState = createProxySweepState();
    const monitor = new Monitor({
      deps: bed.deps,
      settings: { ...TEST_SETTINGS, sweepIntervalMs: PERIOD_MS },
      alertRunner: createAlertRunner({ command: recorder.command(), timeoutMs: 10_000, environment: {} }),
      sleep: periods.sleep,
      extraSweeps: [() => sweepProxy(bed.deps, bed.proxy, sweepState)],
    });
    monitor.start();
    /** After one period every route is served again; two more periods pass, so a repeat alert would be there. */
    const repairedWithinOnePeriod = async () => {
      await periods.next();
      expect(await bed.driver.listRoutes()).toEqual(routes);
      expect(await serving()).toEqual(allServed);
      await periods.next();
      await periods.next();
      await monitor.alertsDelivered();
    };
    try {
      await periods.first();
      await monitor.alertsDelivered();
      expect(await proxyAlerts()).toEqual([]);

      // Killed: one period later HAProxy runs again with every route, and serves each.
      const info = await haproxyProcessInfo(bed.driver.layout);
      if (info === undefined) throw new Error('HAProxy is not running');
      process.kill(info.masterPid, 'SIGKILL');
      process.kill(info.workerPid, 'SIGKILL');
      await expect(fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: webHost, caPem })).rejects.toThrow();
      // An operator lists the routes before the period ends: that starts HAProxy (it needs one), and is still alerted.
      expect((await rpc.listProxyRoutes({})).listeners.find((listener) => listener.port === bed.listenerPort)?.routes).toHaveLength(3);
      await repairedWithinOnePeriod();
      expect(await proxyAlerts()).toEqual([expect.stringMatching(/^proxy-repaired: the node proxy \(haproxy\) was not running: started again, 3 routes re-applied$/)]);

      // Behind the agent's back: the l4 route taken away, a stray one added. One period later both are repaired.
      await bed.driver.removeRoute(bed.listenerPort, passHost);
      await bed.driver.putRoute({ listenerPort: bed.listenerPort, hostname: 'stray.example.test', mode: 'l4', backendTls: false, backend: { host: '127.0.0.1', port: 9 } });
      await repairedWithinOnePeriod();
      const alerts = await proxyAlerts();
      expect(alerts).toHaveLength(3);
      expect(alerts.slice(1)).toEqual([
        expect.stringMatching(new RegExp(`^proxy-repaired: proxy route l4 ${passHost.replace(/\./g, '\\.')}:${bed.listenerPort} → 127\\.0\\.0\\.1:\\d+ restored \\(it was missing\\)$`)),
        expect.stringMatching(/^proxy-repaired: proxy route l4 stray\.example\.test:\d+ → 127\.0\.0\.1:9 removed: nobody asked for it/),
      ]);
    } finally {
      await monitor.stop();
    }
    await rpc.removeProxyRoute({ listenerPort: bed.listenerPort, hostname: handHost });
    await undeployService(bed.deps, tls.name);
    await undeployService(bed.deps, web.name);
  });
});
