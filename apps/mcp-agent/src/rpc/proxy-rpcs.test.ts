// ListProxyRoutes / AddProxyRoute / RemoveProxyRoute on real HAProxy and Pebble, behind the agent's error mapping.
import { Code } from '@connectrpc/connect';
import { fetchThrough, startPlainBackend, type TestBackend } from '@mcp/proxy/testing';
import { createCertificateAuthority, issueCertificate } from '@mcp/tls';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyFixture, type ProxyFixture } from '../proxy.fixture.js';
import { podmanSkipReason } from '../testing/agent-test-bed.js';
import { failureOf, inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';
import { proxyRpcs } from './proxy-rpcs.js';

const skipReason = await podmanSkipReason();


describe.skipIf(skipReason !== undefined)(`proxy route RPCs${skipReason ? ` (${skipReason})` : ''}`, { timeout: 120_000 }, () => {
  let bed: ProxyFixture;
  let client: AgentClient;
  let backend: TestBackend;
  beforeAll(async () => {
    bed = await startProxyFixture();
    client = inMemoryClient(bed.deps, [proxyRpcs]);
    backend = await startPlainBackend('by-hand');
  });
  afterAll(async () => {
    await backend.close();
    await bed.close();
  });

  it('adds an l7 route with a certificate from the CA, lists it, removes it', async () => {
    const port = bed.listenerPort;
    const added = await client.addProxyRoute({ listenerPort: port, hostname: 'acme.by-hand.test', backend: `127.0.0.1:${backend.port}`, mode: 'l7' });
    expect(added.steps.map((step) => step.step)).toEqual(['cert', 'proxy', 'registry']);
    expect(added.route).toMatchObject({ mode: 'l7', backendTls: false, service: '' });
    const answer = await fetchThrough({ address: '127.0.0.1', port, hostname: 'acme.by-hand.test', caPem: await bed.rootPem() });
    expect(answer.body).toBe('by-hand acme.by-hand.test');
    const listed = await client.listProxyRoutes({});
    expect(listed.proxy).toMatchObject({ driver: 'haproxy', version: expect.stringMatching(/^2\.6/) });
    const listener = listed.listeners.find((candidate) => candidate.port === port);
    expect(listener?.routes.map((route) => `${route.mode} ${route.hostname} ${route.backend}`)).toContain(`l7 acme.by-hand.test 127.0.0.1:${backend.port}`);
    expect(listener?.routes.find((route) => route.hostname === 'acme.by-hand.test')?.certExpiresAt).toBeDefined();
    const removed = await client.removeProxyRoute({ listenerPort: port, hostname: 'acme.by-hand.test' });
    expect(removed.route?.hostname).toBe('acme.by-hand.test');
    expect((await failureOf(client.removeProxyRoute({ listenerPort: port, hostname: 'acme.by-hand.test' }))).code).toBe(Code.NotFound);
  });

  it('serves an operator certificate given with the request, and passes an l4 route through', async () => {
    const dir = bed.fixture.bed.dir.path;
    const authority = await createCertificateAuthority({ dir: join(dir, 'operator-ca'), commonName: 'operator CA' });
    const files = await issueCertificate({ authority, dir: join(dir, 'operator-ca'), name: 'own', commonName: 'own.by-hand.test', altNames: ['own.by-hand.test'] });
    const port = bed.listenerPort;
    await client.addProxyRoute({
      listenerPort: port,
      hostname: 'own.by-hand.test',
      backend: `127.0.0.1:${backend.port}`,
      mode: 'l7',
      certPem: await readFile(files.chainPath, 'utf8'),
      keyPem: await readFile(files.keyPath, 'utf8'),
    });
    const answer = await fetchThrough({ address: '127.0.0.1', port, hostname: 'own.by-hand.test', caPem: await readFile(authority.certPath, 'utf8') });
    expect(answer.body).toBe('by-hand own.by-hand.test');
    await client.addProxyRoute({ listenerPort: port, hostname: 'pass.by-hand.test', backend: '127.0.0.1:9', mode: 'l4' });
    expect(bed.deps.registry.findProxyRoute(port, 'pass.by-hand.test')).toMatchObject({ mode: 'l4', certSource: 'none' });
    await client.removeProxyRoute({ listenerPort: port, hostname: 'own.by-hand.test' });
    await client.removeProxyRoute({ listenerPort: port, hostname: 'pass.by-hand.test' });
  });

  it('refuses bad input with InvalidArgument naming the field, and registers nothing', async () => {
    const port = bed.listenerPort;
    const base = { listenerPort: port, hostname: 'bad.by-hand.test', backend: '127.0.0.1:1', mode: 'l4' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ mode: '' }, /^mode "" is not a route mode/],
      [{ listenerPort: 0 }, /^listener_port "0" is not a port/],
      [{ hostname: 'Not A Name' }, /^hostname "Not A Name" is not a lower-case DNS name/],
      [{ backend: 'nowhere' }, /^backend "nowhere" is not host:port/],
      [{ backendTls: true }, /^backend_tls "?true"? applies to l7 routes only/],
      [{ mode: 'l7', certPem: 'x' }, /^key_pem "" is missing while cert_pem is given/],
    ];
    for (const [change, message] of cases) {
      const error = await failureOf(client.addProxyRoute({ ...base, ...change }));
      expect([error.code, error.rawMessage]).toEqual([Code.InvalidArgument, expect.stringMatching(message)]);
    }
    expect(bed.deps.registry.findProxyRoute(port, 'bad.by-hand.test')).toBeUndefined();
  });

  it('fails an l7 route whose certificate the CA refuses with FailedPrecondition and the reason, nothing registered', async () => {
    const refusing = inMemoryClient(bed.withIssuer(bed.wrongIssuer), [proxyRpcs]);
    const error = await failureOf(refusing.addProxyRoute({ listenerPort: bed.listenerPort, hostname: 'refused.by-hand.test', backend: '127.0.0.1:1', mode: 'l7' }));
    expect(error.code).toBe(Code.FailedPrecondition);
    expect(error.rawMessage).toMatch(/no certificate for refused\.by-hand\.test, nothing registered: .*refused the certificate/);
    expect(bed.deps.registry.findProxyRoute(bed.listenerPort, 'refused.by-hand.test')).toBeUndefined();
    expect((await bed.driver.listRoutes()).map((route) => route.hostname)).not.toContain('refused.by-hand.test');
  });
});
