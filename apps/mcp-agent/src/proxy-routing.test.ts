// The agent as its proxy's owner, on real podman, HAProxy and Pebble: deploy gets the certificate first and
// registers the route; a refused order fails the deploy with the CA's reason and leaves nothing; stop/start and
// undeploy take routes off and back; the sweep repairs what was changed behind the agent's back and renews. The
// l4 route ends TLS in a container (openssl s_server) that proves it received the client's SNI.
import { fetchThrough, steadyClient } from '@mcp/proxy/testing';
import { ResultStatus } from '@mcp/proto';
import { BUSYBOX_INDEX_HTML, ensureOpensslImage, freeLoopbackPort } from '@mcp/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { hostPortOf } from './deploy.fixture.js';
import { startService, stopService, undeployService } from './lifecycle.js';
import { startProxyFixture, TEST_ZONE, type ProxyFixture } from './proxy.fixture.js';
import { createProxySweepState, sweepProxy } from './proxy-sweep.js';
import { inMemoryClient } from './rpc/in-memory-client.fixture.js';
import { proxyRpcs } from './rpc/proxy-rpcs.js';
import { S_SERVER_PAGE_MARK, sniServer, waitForLoggedName } from './sni-server.fixture.js';
import { podmanSkipReason } from './testing/agent-test-bed.js';
import type { Alert } from './monitor/alert-runner.js';
import { Monitor } from './monitor/monitor.js';
import { TEST_SETTINGS } from './monitor/monitor.fixture.js';
import { PERIOD_MS, steppedPeriods } from './monitor/stepped-periods.fixture.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`the agent owns its proxy routes${skipReason ? ` (${skipReason})` : ''}`, { timeout: 120_000 }, () => {
  let bed: ProxyFixture;
  beforeAll(async () => {
    bed = await startProxyFixture();
  });
  afterEach(() => bed.fixture.removeContainers());
  afterAll(() => bed.close());

  function l7Service(hostname?: string) {
    return bed.fixture.httpService({}, { routes: [{ name: 'http', port: bed.listenerPort, mode: 'l7', public: false, ...(hostname === undefined ? {} : { hostname }) }] });
  }

  it('deploys an l7 route: certificate for <service>.<zone> from the CA, HTTPS through the proxy, chain verifies', async () => {
    const spec = l7Service();
    const outcome = await deployService(bed.deps, { spec, pull: 'never' });
    expect(outcome.success).toBe(true);
    const steps = outcome.results[0]?.steps.map((step) => `${step.step}:${step.status === ResultStatus.FAILED ? 'failed' : 'ok'}`) ?? [];
    expect(steps.indexOf('cert:ok')).toBeLessThan(steps.indexOf('container:ok'));
    expect(steps).toContain('proxy:ok');
    const hostname = `${spec.name}.${TEST_ZONE}`;
    const answer = await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem: await bed.rootPem() });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(BUSYBOX_INDEX_HTML);
    expect(bed.deps.registry.listProxyRoutesOf({ service: spec.name, component: 'web' })).toEqual([
      expect.objectContaining({ hostname, mode: 'l7', backendHost: '127.0.0.1', certSource: 'acme' }),
    ]);

    await stopService(bed.deps, spec.name);
    expect((await bed.driver.listRoutes()).map((route) => route.hostname)).not.toContain(hostname);
    await startService(bed.deps, spec.name);
    expect((await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem: await bed.rootPem() })).status).toBe(200);
    await undeployService(bed.deps, spec.name);
    expect((await bed.driver.listRoutes()).map((route) => route.hostname)).not.toContain(hostname);
    expect(bed.deps.registry.listProxyRoutesOf({ service: spec.name, component: 'web' })).toEqual([]);
    expect(await bed.proxy.certificates.find(hostname)).toBeUndefined();
  });

  it('carries on one listener an l4 route to a TLS server in a container (which saw the SNI), an l7 route and an l7 route re-encrypting to a container, adding and removing with no reload and no failed request', async () => {
    const image = await ensureOpensslImage();
    const caPem = await bed.rootPem();
    const backendCaPem = await readFile(bed.backendCa.certPath, 'utf8');
    const runtime = bed.deps.runtime;

    // The l7 route to busybox httpd comes first: it opens the listener (the one reload), then a steady client runs.
    const web = l7Service();
    expect((await deployService(bed.deps, { spec: web, pull: 'never' })).success).toBe(true);
    const webHost = `${web.name}.${TEST_ZONE}`;
    const generation = (await bed.driver.status()).generation;
    const client = steadyClient({ address: '127.0.0.1', port: bed.listenerPort, hostname: webHost, caPem, expect: BUSYBOX_INDEX_HTML });
    await client.waitFor(5);

    // A service whose component "pass" ends TLS itself behind an l4 route, and whose component "secure" is the TLS
    // backend of a re-encrypting l7 route added by hand (published on a port of its own, no route of its own).
    const tls = bed.fixture.httpService();
    const passHost = `${tls.name}.${TEST_ZONE}`;
    const secureHost = `secure-${tls.name}.${TEST_ZONE}`;
    const securePort = await freeLoopbackPort();
    const certs = join(bed.fixture.bed.dir.path, 'sni-servers', tls.name);
    const pass = await sniServer({ image, authority: bed.backendCa, dir: join(certs, 'pass'), hostname: passHost, port: '$PORT' });
    const secure = await sniServer({ image, authority: bed.backendCa, dir: join(certs, 'secure'), hostname: secureHost, port: String(securePort) });
    const base = tls.components[0]!;
    const spec = {
      ...tls,
      components: [
        { ...base, ...pass.component, name: 'pass', routes: [{ name: 'tls', port: bed.listenerPort, mode: 'l4' as const, public: false }] },
        { ...base, ...secure.component, name: 'secure', routes: [], ports: [`127.0.0.1:${securePort}:${securePort}`] },
      ],
    };
    const deployed = await deployService(bed.deps, { spec, pull: 'never' });
    expect(deployed.success).toBe(true);
    const rpc = inMemoryClient(bed.deps, [proxyRpcs]);
    await rpc.addProxyRoute({ listenerPort: bed.listenerPort, hostname: secureHost, backend: `127.0.0.1:${securePort}`, mode: 'l7', backendTls: true });
    expect((await bed.driver.listRoutes()).map((route) => `${route.listenerPort} ${route.mode} ${route.hostname} ${route.backendTls}`).sort()).toEqual(
      [`l4 ${passHost} false`, `l7 ${secureHost} true`, `l7 ${webHost} false`].map((route) => `${bed.listenerPort} ${route}`).sort(),
    );
    const [passContainer, secureContainer] = ['pass', 'secure'].map((component) => `${tls.name}-${component}`);

    // l4: the container's own certificate for the name, chosen by the container from the SNI it received (any other
    // name is refused by it), verifying against the container's CA and not against the ACME root HAProxy serves.
    const passed = await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: passHost, caPem: backendCaPem });
    expect(passed.status).toBe(200);
    expect(passed.body).toContain(S_SERVER_PAGE_MARK);
    expect(passed.serial).toBe(pass.serial);
    expect(await waitForLoggedName(runtime, passContainer!, passHost)).toEqual([passHost]);
    // The same handshake checked against the ACME root fails: what the client got was never HAProxy's certificate.
    await expect(fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: passHost, caPem })).rejects.toThrow();
    const passPort = hostPortOf(bed.deps, tls.name, 'pass', 'tls');
    await expect(fetchThrough({ address: '127.0.0.1', port: passPort, hostname: `other.${TEST_ZONE}`, caPem: backendCaPem })).rejects.toThrow();
    expect(await waitForLoggedName(runtime, passContainer!, `other.${TEST_ZONE}`)).toEqual([passHost, passHost, `other.${TEST_ZONE}`]);

    // l7: HAProxy ends TLS with the CA's certificate for the name; busybox httpd answers plain HTTP.
    const terminated = await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: webHost, caPem });
    expect([terminated.status, terminated.body, terminated.serial]).toEqual([200, BUSYBOX_INDEX_HTML, (await bed.proxy.certificates.find(webHost))?.serial]);

    // l7 re-encrypting: HAProxy ends the client's TLS (the CA's certificate), then speaks TLS to the container,
    // naming the route's hostname and verifying the container's certificate.
    const reencrypted = await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: secureHost, caPem });
    expect(reencrypted.status).toBe(200);
    expect(reencrypted.body).toContain(S_SERVER_PAGE_MARK);
    expect(reencrypted.serial).toBe((await bed.proxy.certificates.find(secureHost))?.serial);
    expect(reencrypted.serial).not.toBe(secure.serial);
    expect(new Set(await waitForLoggedName(runtime, secureContainer!, secureHost))).toEqual(new Set([secureHost]));

    // Removing both routes (undeploy, RemoveProxyRoute) took effect, still without a reload or a failed request.
    await rpc.removeProxyRoute({ listenerPort: bed.listenerPort, hostname: secureHost });
    await undeployService(bed.deps, tls.name);
    expect((await bed.driver.listRoutes()).map((route) => route.hostname)).toEqual([webHost]);
    await expect(fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: passHost, caPem: backendCaPem })).rejects.toThrow();
    await client.waitFor(40);
    const steady = await client.stop();
    expect(steady.failures).toEqual([]);
    expect((await bed.driver.status()).generation).toBe(generation);
    await undeployService(bed.deps, web.name);
  });

  it('fails the deploy with the CA\'s reason on a refused order, registers nothing, and succeeds after the fix', async () => {
    const spec = l7Service();
    const refused = await deployService(bed.withIssuer(bed.wrongIssuer), { spec, pull: 'never' });
    expect(refused.success).toBe(false);
    const cert = refused.results[0]?.steps.find((step) => step.step === 'cert');
    expect(cert?.error).toMatch(/refused the certificate for .*svc\.mcp\.test: .*(binding|EAB|MAC|signature)/i);
    expect(refused.results[0]?.steps.map((step) => step.step)).not.toContain('container');
    expect(await bed.fixture.containers(spec.name)).toEqual([]);
    expect(bed.deps.registry.listProxyRoutes().filter((route) => route.owner?.service === spec.name)).toEqual([]);
    expect((await bed.driver.listRoutes()).map((route) => route.hostname)).not.toContain(`${spec.name}.${TEST_ZONE}`);
    expect(await bed.proxy.certificates.find(`${spec.name}.${TEST_ZONE}`)).toBeUndefined();

    const fixed = await deployService(bed.deps, { spec, pull: 'never' });
    expect(fixed.success).toBe(true);
    expect((await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: `${spec.name}.${TEST_ZONE}`, caPem: await bed.rootPem() })).status).toBe(200);
    await undeployService(bed.deps, spec.name);
  });

  it('fails the deploy with the reason while the CA is down (Pebble stopped), registers nothing, and succeeds once it runs again', async () => {
    const spec = l7Service();
    const hostname = `${spec.name}.${TEST_ZONE}`;
    await bed.pebble.stop();
    let refused;
    try {
      refused = await deployService(bed.deps, { spec, pull: 'never' });
    } finally {
      // Back on the same address with a new root, having forgotten the agent's account (it registers again).
      await bed.pebble.restart();
    }
    expect(refused.success).toBe(false);
    expect(refused.results[0]?.steps.find((step) => step.step === 'cert')?.error).toMatch(/cannot reach the ACME CA at https:\/\/127\.0\.0\.1:\d+\/dir for .*: .*ECONNREFUSED/);
    expect(refused.results[0]?.steps.map((step) => step.step)).not.toContain('container');
    expect(await bed.fixture.containers(spec.name)).toEqual([]);
    expect(bed.deps.registry.listProxyRoutes().filter((route) => route.owner?.service === spec.name)).toEqual([]);
    expect((await bed.driver.listRoutes()).map((route) => route.hostname)).not.toContain(hostname);
    expect(await bed.proxy.certificates.find(hostname)).toBeUndefined();

    expect((await deployService(bed.deps, { spec, pull: 'never' })).success).toBe(true);
    const answer = await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem: await bed.rootPem() });
    expect(answer.status).toBe(200);
    await undeployService(bed.deps, spec.name);
  });

  it('puts back a route removed behind its back, removes one added behind its back, each alerted once', async () => {
    const spec = l7Service();
    await deployService(bed.deps, { spec, pull: 'never' });
    const hostname = `${spec.name}.${TEST_ZONE}`;
    const state = createProxySweepState();
    expect(await sweepProxy(bed.deps, bed.proxy, state)).toEqual([]);
    await bed.driver.removeRoute(bed.listenerPort, hostname);
    await bed.driver.putRoute({ listenerPort: bed.listenerPort, hostname: 'stray.example.test', mode: 'l4', backendTls: false, backend: { host: '127.0.0.1', port: 9 } });
    const alerts = await sweepProxy(bed.deps, bed.proxy, state);
    expect(alerts.map((alert) => alert.message)).toEqual([
      expect.stringMatching(new RegExp(`proxy route l7 ${hostname.replace(/\./g, '\\.')}:${bed.listenerPort} .* restored \\(it was missing\\)`)),
      expect.stringMatching(/stray\.example\.test.* removed: nobody asked for it/),
    ]);
    expect(await sweepProxy(bed.deps, bed.proxy, state)).toEqual([]);
    expect((await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem: await bed.rootPem() })).status).toBe(200);
    expect(bed.deps.registry.listEvents({ service: spec.name }).map((event) => event.kind)).toContain('proxy-route-restored');
    await undeployService(bed.deps, spec.name);
  });

  it('brings a killed HAProxy back with every route at the next sweep, alerted once', async () => {
    const spec = l7Service();
    await deployService(bed.deps, { spec, pull: 'never' });
    const hostname = `${spec.name}.${TEST_ZONE}`;
    const { haproxyProcessInfo } = await import('@mcp/proxy');
    const info = await haproxyProcessInfo(bed.driver.layout);
    if (info === undefined) throw new Error('HAProxy is not running');
    process.kill(info.masterPid, 'SIGKILL');
    process.kill(info.workerPid, 'SIGKILL');
    const state = createProxySweepState();
    const alerts = await sweepProxy(bed.deps, bed.proxy, state);
    expect(alerts.map((alert) => alert.message)).toEqual([expect.stringMatching(/was not running: started again/)]);
    expect((await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem: await bed.rootPem() })).status).toBe(200);
    expect(await sweepProxy(bed.deps, bed.proxy, state)).toEqual([]);
    await undeployService(bed.deps, spec.name);
  });
});

describe.skipIf(skipReason !== undefined)(`renewal by the sweep${skipReason ? ` (${skipReason})` : ''}`, { timeout: 120_000 }, () => {
  let bed: ProxyFixture;
  beforeAll(async () => {
    // An hour's validity: fewer than 30 days left from the start, so every sweep renews.
    bed = await startProxyFixture({ certificateValiditySeconds: 3600 });
  });
  afterEach(() => bed.fixture.removeContainers());
  afterAll(() => bed.close());

  it('renews a certificate with fewer than 30 days left from the monitor\'s sweep and swaps it in: the served serial changes, no request fails, no reload', async () => {
    const spec = bed.fixture.httpService({}, { routes: [{ name: 'http', port: bed.listenerPort, mode: 'l7', public: false }] });
    await deployService(bed.deps, { spec, pull: 'never' });
    const hostname = `${spec.name}.${TEST_ZONE}`;
    const caPem = await bed.rootPem();
    const before = await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem });
    const generation = (await bed.driver.status()).generation;
    const client = steadyClient({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem, expect: BUSYBOX_INDEX_HTML });
    await client.waitFor(5);
    const periods = steppedPeriods();
    const alerts: Alert[] = [];
    const monitor = new Monitor({
      deps: bed.deps,
      settings: { ...TEST_SETTINGS, sweepIntervalMs: PERIOD_MS },
      alertRunner: { run: (alert) => { alerts.push(alert); return Promise.resolve({ status: 'sent' as const }); } },
      sleep: periods.sleep,
      extraSweeps: [() => sweepProxy(bed.deps, bed.proxy, createProxySweepState())],
    });
    monitor.start();
    const served: string[] = [before.serial];
    try {
      // The first sweep runs at start; each sweep after a period renews again (an hour is always under 30 days).
      await periods.first();
      served.push((await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem })).serial);
      await periods.next();
      served.push((await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem })).serial);
    } finally {
      await monitor.stop();
    }
    expect(new Set(served).size).toBe(3);
    expect(served[2]).toBe((await bed.proxy.certificates.find(hostname))?.serial);
    await client.waitFor(client.requests() + 20);
    expect((await client.stop()).failures).toEqual([]);
    expect((await bed.driver.status()).generation).toBe(generation);
    expect(alerts).toEqual([]);
    expect(bed.deps.registry.listEvents({ service: spec.name }).filter((event) => event.kind === 'cert-renewed')).toHaveLength(2);
    await undeployService(bed.deps, spec.name);
  });
});
