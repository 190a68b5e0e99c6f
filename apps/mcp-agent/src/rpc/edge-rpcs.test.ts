// SetupEdgeRoute / RemoveEdgeRoute / ListEdgeRoutes on real HAProxy, Pebble and PowerDNS: the public name's
// certificate from the CA, the backend resolved through DNS and re-encrypted to with its certificate checked, and
// every refusal leaving nothing registered.
import { Code } from '@connectrpc/connect';
import { createCertificateStore, type AcmeIssuer } from '@mcp/acme';
import { createPowerDnsDriver } from '@mcp/dns';
import { probePowerDns, startTestPowerDns, type TestPowerDns } from '@mcp/dns/testing';
import { createHaproxyDriver, haproxyProcessInfo, stopHaproxy, type HaproxyDriver } from '@mcp/proxy';
import { fetchThrough, startTlsBackend, type TestBackend } from '@mcp/proxy/testing';
import { freeLoopbackPort } from '@mcp/testing';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackendResolver } from '../backend-resolver.js';
import type { AgentDeps } from '../deps.js';
import { parseOverlayCidr } from '../overlay-cidr.js';
import { startProxyFixture, TEST_ZONE, type ProxyFixture } from '../proxy.fixture.js';
import { createProxySweepState, sweepProxy } from '../proxy-sweep.js';
import type { ProxyRouting } from '../proxy-routing.js';
import { podmanSkipReason } from '../testing/agent-test-bed.js';
import { failureOf, inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';
import { proxyRpcs } from './proxy-rpcs.js';
import { edgeRpcs } from './edge-rpcs.js';

const podmanSkip = await podmanSkipReason();
const powerDns = await probePowerDns();
const skipReason = podmanSkip ?? (powerDns.available ? undefined : powerDns.reason);

const overlay = (() => {
  const parsed = parseOverlayCidr('127.0.0.0/8');
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.cidr;
})();

describe.skipIf(skipReason !== undefined)(`edge route RPCs${skipReason ? ` (${skipReason})` : ''}`, { timeout: 120_000 }, () => {
  let bed: ProxyFixture;
  let dns: TestPowerDns;
  let driver: HaproxyDriver;
  let backend: TestBackend;
  let listenerPort: number;
  let deps: AgentDeps;
  let client: AgentClient;
  let routing: (issuer: AcmeIssuer) => ProxyRouting;

  beforeAll(async () => {
    bed = await startProxyFixture();
    dns = await startTestPowerDns();
    const zone = createPowerDnsDriver({ zone: TEST_ZONE, apiUrl: dns.apiUrl, secret: dns.apiKey });
    await zone.setRecords('shop', 'A', ['127.0.0.1'], 60);
    await zone.setRecords('far', 'A', ['192.0.2.7'], 60);
    const dir = bed.fixture.bed.dir.path;
    // The edge verifies its backends against the CA the workers' certificates come from (here: Pebble).
    const rootPath = join(dir, 'acme-root.pem');
    await writeFile(rootPath, await bed.rootPem());
    driver = await createHaproxyDriver({ dir: join(dir, 'edge-haproxy'), address: '127.0.0.1', manageProcess: true, backendCaFile: rootPath });
    await driver.ensureRunning();
    routing = (issuer) => ({
      driver,
      certificates: createCertificateStore({ dir: join(dir, 'edge-certs'), issuer, caBundle: () => bed.rootPem(), clock: { now: () => new Date() } }),
      zone: TEST_ZONE,
    });
    // The worker's side: its proxy serves shop.svc.mcp.test over TLS with a certificate from the same CA.
    const workerCertificate = await bed.proxy.certificates.obtain(`shop.${TEST_ZONE}`);
    backend = await startTlsBackend('worker', workerCertificate);
    listenerPort = await freeLoopbackPort();
    deps = {
      ...bed.deps,
      node: { ...bed.deps.node, role: 'edge' },
      proxy: routing(bed.rightIssuer),
      edge: { overlay, listenerPort, resolve: createBackendResolver({ server: `127.0.0.1:${dns.dnsPort}`, timeoutMs: 2000 }) },
    };
    client = inMemoryClient(deps, [edgeRpcs, proxyRpcs]);
  });
  afterAll(async () => {
    await backend?.close();
    if (driver !== undefined) await stopHaproxy(driver.layout);
    await dns?.stop();
    await bed?.close();
  });

  const request = (change: Record<string, unknown> = {}) => ({
    hostname: 'shop.example.test',
    backendHostname: `shop.${TEST_ZONE}`,
    backendPort: backend.port,
    backendTls: true,
    service: 'shop',
    ...change,
  });

  async function expectNothingRegistered(hostname: string): Promise<void> {
    expect(deps.registry.findEdgeRoute(hostname)).toBeUndefined();
    expect(deps.registry.findProxyRoute(listenerPort, hostname)).toBeUndefined();
    expect((await driver.listRoutes()).map((route) => route.hostname)).not.toContain(hostname);
    expect(await deps.proxy?.certificates.find(hostname)).toBeUndefined();
    expect((await client.listEdgeRoutes({})).routes.map((route) => route.hostname)).not.toContain(hostname);
  }

  it('sets up a public route: certificate for the public name, HTTPS through the edge re-encrypted to the backend', async () => {
    const answer = await client.setupEdgeRoute(request());
    expect(answer.steps.map((step) => step.step)).toEqual(['validate', 'resolve', 'cert', 'proxy', 'registry']);
    expect(answer.route).toMatchObject({
      hostname: 'shop.example.test',
      backendHostname: `shop.${TEST_ZONE}`,
      backendPort: backend.port,
      backendAddress: '127.0.0.1',
      service: 'shop',
      listenerPort,
      certExpires: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const served = await fetchThrough({ address: '127.0.0.1', port: listenerPort, hostname: 'shop.example.test', caPem: await bed.rootPem() });
    // The edge's certificate (for the public name only) verifies against the CA's root; the worker saw its own name.
    expect(served.body).toBe(`worker sni=shop.${TEST_ZONE}`);
    expect(served.serial).toBe(answer.route?.certSerial);
    const kept = await deps.proxy?.certificates.find('shop.example.test');
    expect(kept?.serial).toBe(answer.route?.certSerial);

    // Again (the master does after a migrate): replaced in place, one route, the same certificate.
    const again = await client.setupEdgeRoute(request());
    expect(again.route?.certSerial).toBe(answer.route?.certSerial);
    expect((await client.listEdgeRoutes({})).routes.map((route) => `${route.hostname} ${route.backendAddress}:${route.backendPort} ${route.certSerial}`)).toEqual([
      `shop.example.test 127.0.0.1:${backend.port} ${answer.route?.certSerial ?? ''}`,
    ]);
    const proxyRoutes = (await client.listProxyRoutes({})).listeners.find((listener) => listener.port === listenerPort)?.routes ?? [];
    expect(proxyRoutes.map((route) => `${route.mode} ${route.hostname} ${route.backend} tls=${route.backendTls} ${route.service}`)).toEqual([
      `l7 shop.example.test 127.0.0.1:${backend.port} tls=true shop`,
    ]);
    // Its proxy route belongs to it: not removable by hand.
    const byHand = await failureOf(client.removeProxyRoute({ listenerPort, hostname: 'shop.example.test' }));
    expect([byHand.code, byHand.rawMessage]).toEqual([Code.FailedPrecondition, expect.stringMatching(/edge route of service "shop"/)]);
  });

  it('comes back on the proxy at the next sweep after HAProxy was killed', async () => {
    await client.setupEdgeRoute(request());
    const info = await haproxyProcessInfo(driver.layout);
    if (info === undefined) throw new Error('HAProxy is not running');
    process.kill(info.masterPid, 'SIGKILL');
    process.kill(info.workerPid, 'SIGKILL');
    // A restart from its files alone would bring it back too: empty them so the sweep must re-apply from the registry.
    await writeFile(join(driver.layout.dir, `l7-${listenerPort}.map`), '');
    await sweepProxy(deps, routing(bed.rightIssuer), createProxySweepState());
    const served = await fetchThrough({ address: '127.0.0.1', port: listenerPort, hostname: 'shop.example.test', caPem: await bed.rootPem() });
    expect(served.body).toBe(`worker sni=shop.${TEST_ZONE}`);
    expect((await driver.listRoutes()).find((route) => route.hostname === 'shop.example.test')).toMatchObject({ backendTls: true, backendServerName: `shop.${TEST_ZONE}` });
  });

  it('has its certificate renewed by the sweep when due, and lists the new one', async () => {
    const first = await client.setupEdgeRoute(request());
    // Every certificate counts as due when 10 years must remain (Pebble issues for 5).
    const eager: ProxyRouting = {
      ...routing(bed.rightIssuer),
      certificates: createCertificateStore({ dir: join(bed.fixture.bed.dir.path, 'edge-certs'), issuer: bed.rightIssuer, caBundle: () => bed.rootPem(), clock: { now: () => new Date() }, renewBeforeDays: 3650 }),
    };
    await sweepProxy(deps, eager, createProxySweepState());
    const listed = (await client.listEdgeRoutes({})).routes.find((route) => route.hostname === 'shop.example.test');
    expect(listed?.certSerial).not.toBe(first.route?.certSerial);
    const served = await fetchThrough({ address: '127.0.0.1', port: listenerPort, hostname: 'shop.example.test', caPem: await bed.rootPem() });
    expect([served.serial, served.body]).toEqual([listed?.certSerial, `worker sni=shop.${TEST_ZONE}`]);
  });

  it('removes the route, its record and its certificate; an unknown hostname is NotFound', async () => {
    await client.setupEdgeRoute(request());
    await client.removeEdgeRoute({ hostname: 'shop.example.test' });
    await expectNothingRegistered('shop.example.test');
    await expect(fetchThrough({ address: '127.0.0.1', port: listenerPort, hostname: 'shop.example.test', caPem: await bed.rootPem() })).rejects.toThrow();
    const error = await failureOf(client.removeEdgeRoute({ hostname: 'shop.example.test' }));
    expect([error.code, error.rawMessage]).toEqual([Code.NotFound, 'edge route "shop.example.test" not found in edge node "' + deps.node.name + '"']);
  });

  it('refuses a backend without TLS, outside the zone, not resolving or outside the overlay, registering nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ backendTls: false }, /backend_tls is false; an edge node only re-encrypts/],
      [{ backendHostname: 'shop.elsewhere.test' }, /shop\.elsewhere\.test is not in the internal zone svc\.mcp\.test/],
      [{ backendHostname: `gone.${TEST_ZONE}` }, /gone\.svc\.mcp\.test does not resolve/],
      [{ backendHostname: `far.${TEST_ZONE}` }, /resolves to 192\.0\.2\.7, outside the overlay 127\.0\.0\.0\/8/],
    ];
    for (const [change, message] of cases) {
      const error = await failureOf(client.setupEdgeRoute(request({ hostname: 'refused.example.test', ...change })));
      expect([error.code, error.rawMessage]).toEqual([Code.FailedPrecondition, expect.stringMatching(message)]);
      await expectNothingRegistered('refused.example.test');
    }
  });

  it('refuses bad fields with InvalidArgument naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ hostname: 'Not A Name' }, /^hostname "Not A Name" is not a lower-case DNS name/],
      [{ hostname: `inside.${TEST_ZONE}` }, /^hostname "inside\.svc\.mcp\.test" is in the internal zone/],
      [{ backendHostname: '' }, /^backend_hostname "" is not a lower-case DNS name/],
      [{ backendPort: 0 }, /^backend_port "0" is not a port/],
      [{ service: 'Shop!' }, /^service "Shop!" is not a service name/],
    ];
    for (const [change, message] of cases) {
      const error = await failureOf(client.setupEdgeRoute(request({ hostname: 'bad.example.test', ...change })));
      expect([error.code, error.rawMessage]).toEqual([Code.InvalidArgument, expect.stringMatching(message)]);
    }
    await expectNothingRegistered('bad.example.test');
  });

  it('fails on a certificate the CA refuses (wrong EAB key) or cannot issue (CA down), registering nothing', async () => {
    for (const issuer of [bed.wrongIssuer, bed.downIssuer]) {
      const refusing = inMemoryClient({ ...deps, proxy: routing(issuer) }, [edgeRpcs]);
      const error = await failureOf(refusing.setupEdgeRoute(request({ hostname: 'nocert.example.test' })));
      expect([error.code, error.rawMessage]).toEqual([Code.FailedPrecondition, expect.stringMatching(/^edge route nocert\.example\.test: no certificate for nocert\.example\.test, nothing registered: /)]);
      await expectNothingRegistered('nocert.example.test');
    }
  });

  it('is refused on a node that is not an edge node', async () => {
    const worker = inMemoryClient({ ...deps, node: { ...deps.node, role: 'worker' } }, [edgeRpcs]);
    const error = await failureOf(worker.setupEdgeRoute(request()));
    expect([error.code, error.rawMessage]).toEqual([Code.FailedPrecondition, expect.stringMatching(/has role worker; public routes live on edge nodes only/)]);
  });
});
