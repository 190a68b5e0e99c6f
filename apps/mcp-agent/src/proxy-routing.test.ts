// The agent as its proxy's owner, on real podman, HAProxy and Pebble: deploy gets the certificate first and
// registers the route; a refused order fails the deploy with the CA's reason and leaves nothing; stop/start and
// undeploy take routes off and back; the sweep repairs what was changed behind the agent's back and renews.
import { fetchThrough, steadyClient } from '@mcp/proxy/testing';
import { ResultStatus } from '@mcp/proto';
import { BUSYBOX_INDEX_HTML } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { startService, stopService, undeployService } from './lifecycle.js';
import { startProxyFixture, TEST_ZONE, type ProxyFixture } from './proxy.fixture.js';
import { createProxySweepState, sweepProxy } from './proxy-sweep.js';
import { podmanSkipReason } from './testing/agent-test-bed.js';

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

    const fixed = await deployService(bed.deps, { spec, pull: 'never' });
    expect(fixed.success).toBe(true);
    expect((await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname: `${spec.name}.${TEST_ZONE}`, caPem: await bed.rootPem() })).status).toBe(200);
    await undeployService(bed.deps, spec.name);
  });

  it('fails the deploy with the reason when the CA is down, registers nothing, and succeeds once it answers', async () => {
    const spec = l7Service();
    const refused = await deployService(bed.withIssuer(bed.downIssuer), { spec, pull: 'never' });
    expect(refused.success).toBe(false);
    expect(refused.results[0]?.steps.find((step) => step.step === 'cert')?.error).toMatch(/cannot reach the ACME CA at https:\/\/127\.0\.0\.1:\d+\/dir for .*: .*ECONNREFUSED/);
    expect(await bed.fixture.containers(spec.name)).toEqual([]);
    expect(bed.deps.registry.listProxyRoutes().filter((route) => route.owner?.service === spec.name)).toEqual([]);
    expect((await deployService(bed.deps, { spec, pull: 'never' })).success).toBe(true);
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

  it('renews a certificate with fewer than 30 days left and swaps it in: the served serial changes, no request fails', async () => {
    const spec = bed.fixture.httpService({}, { routes: [{ name: 'http', port: bed.listenerPort, mode: 'l7', public: false }] });
    await deployService(bed.deps, { spec, pull: 'never' });
    const hostname = `${spec.name}.${TEST_ZONE}`;
    const caPem = await bed.rootPem();
    const before = await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem });
    const generation = (await bed.driver.status()).generation;
    const client = steadyClient({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem, expect: '' });
    await client.waitFor(5);
    const alerts = await sweepProxy(bed.deps, bed.proxy, createProxySweepState());
    expect(alerts).toEqual([]);
    const after = await fetchThrough({ address: '127.0.0.1', port: bed.listenerPort, hostname, caPem });
    expect(after.serial).not.toBe(before.serial);
    expect(after.serial).toBe((await bed.proxy.certificates.find(hostname))?.serial);
    await client.waitFor(20);
    expect((await client.stop()).failures).toEqual([]);
    expect((await bed.driver.status()).generation).toBe(generation);
    expect(bed.deps.registry.listEvents({ service: spec.name }).map((event) => event.kind)).toContain('cert-renewed');
    await undeployService(bed.deps, spec.name);
  });
});
