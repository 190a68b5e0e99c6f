// The HAProxy driver against a real HAProxy 2.6: l4 and l7 (plain and re-encrypting) on one listener, run-time
// changes without a reload and without a failed request, and a restart that comes back with every route.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, type CertificateAuthority } from '@mcp/tls';
import { freeLoopbackPort, useTempDirs } from '@mcp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchThrough, startPlainBackend, startTlsBackend, steadyClient } from '../testing/index.js';
import type { ProxyCertificate } from '../types.js';
import { createHaproxyDriver, type HaproxyDriver } from './driver.js';
import { haproxyProcessInfo, stopHaproxy } from '../index.js';

const tempDir = useTempDirs('mcp-proxy');
const undo: (() => Promise<unknown>)[] = [];
const cleanup = { add: (...steps: (() => Promise<unknown>)[]) => undo.push(...steps) };
afterEach(async () => {
  for (let step = undo.pop(); step !== undefined; step = undo.pop()) await step();
});

interface Bed {
  driver: HaproxyDriver;
  port: number;
  ca: CertificateAuthority;
  caPem: string;
  certificate(hostname: string): Promise<ProxyCertificate>;
  dir: string;
}

async function bed(): Promise<Bed> {
  const dir = await tempDir();
  const ca = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'proxy test CA' });
  const driver = await createHaproxyDriver({ dir: join(dir, 'haproxy'), address: '127.0.0.1', manageProcess: true, backendCaFile: ca.certPath });
  cleanup.add(() => driver.stop());
  await driver.ensureRunning();
  let issued = 0;
  return {
    driver,
    dir,
    port: await freeLoopbackPort(),
    ca,
    caPem: await readFile(ca.certPath, 'utf8'),
    certificate: async (hostname) => {
      issued += 1;
      const files = await issueCertificate({ authority: ca, dir: join(dir, 'certs'), name: `${hostname}-${issued}`, commonName: hostname, altNames: [hostname] });
      return { chainPem: await readFile(files.chainPath, 'utf8'), keyPem: await readFile(files.keyPath, 'utf8') };
    },
  };
}

describe('HAProxy driver', { timeout: 60_000 }, () => {
  it('carries an l4, an l7 and a re-encrypting l7 route on one listener', async () => {
    const { driver, port, ca, caPem, certificate, dir } = await bed();
    const tlsFiles = await issueCertificate({ authority: ca, dir: join(dir, 'backend'), name: 'backend', commonName: 'pass.test', altNames: ['pass.test', 'secure.test'] });
    const passthrough = await startTlsBackend('container', tlsFiles);
    const plain = await startPlainBackend('plain');
    const secure = await startTlsBackend('secure', tlsFiles);
    cleanup.add(() => passthrough.close(), () => plain.close(), () => secure.close());

    await driver.putRoute({ listenerPort: port, hostname: 'pass.test', mode: 'l4', backendTls: false, backend: { host: '127.0.0.1', port: passthrough.port } });
    await driver.putRoute({ listenerPort: port, hostname: 'web.test', mode: 'l7', backendTls: false, backend: { host: '127.0.0.1', port: plain.port }, certificate: await certificate('web.test') });
    await driver.putRoute({ listenerPort: port, hostname: 'secure.test', mode: 'l7', backendTls: true, backend: { host: '127.0.0.1', port: secure.port }, certificate: await certificate('secure.test') });

    // l4: TLS ends in the backend, which saw the client's SNI.
    expect((await fetchThrough({ address: '127.0.0.1', port, hostname: 'pass.test', caPem })).body).toBe('container sni=pass.test');
    // l7: HAProxy terminates with a chain that verifies against the CA; the backend speaks plain HTTP.
    expect((await fetchThrough({ address: '127.0.0.1', port, hostname: 'web.test', caPem })).body).toBe('plain web.test');
    // l7 re-encrypting: HAProxy speaks TLS to the backend and names the route's hostname.
    expect((await fetchThrough({ address: '127.0.0.1', port, hostname: 'secure.test', caPem })).body).toBe('secure sni=secure.test');
    // A name nobody routes gets no handshake.
    await expect(fetchThrough({ address: '127.0.0.1', port, hostname: 'other.test', caPem })).rejects.toThrow();

    expect((await driver.listRoutes()).map((route) => `${route.mode} ${route.hostname} ${route.backendTls}`)).toEqual([
      'l4 pass.test false',
      'l7 secure.test true',
      'l7 web.test false',
    ]);
  });

  it('names a re-encrypting backend apart from the route: SNI and certificate check use that name', async () => {
    const { driver, port, ca, caPem, certificate, dir } = await bed();
    const innerFiles = await issueCertificate({ authority: ca, dir: join(dir, 'inner'), name: 'inner', commonName: 'inner.test', altNames: ['inner.test'] });
    const inner = await startTlsBackend('inner', innerFiles);
    cleanup.add(() => inner.close());
    const route = { listenerPort: port, mode: 'l7' as const, backendTls: true, backend: { host: '127.0.0.1', port: inner.port } };
    await driver.putRoute({ ...route, hostname: 'public.test', backendServerName: 'inner.test', certificate: await certificate('public.test') });
    expect((await fetchThrough({ address: '127.0.0.1', port, hostname: 'public.test', caPem })).body).toBe('inner sni=inner.test');
    // The backend's certificate must name the server name: one that names another is refused by HAProxy.
    await driver.putRoute({ ...route, hostname: 'wrong.test', backendServerName: 'other.test', certificate: await certificate('wrong.test') });
    expect((await fetchThrough({ address: '127.0.0.1', port, hostname: 'wrong.test', caPem })).status).toBe(503);
    // Without a server name the route's own hostname is checked: inner.test's certificate does not name it.
    await driver.putRoute({ ...route, hostname: 'plain.test', certificate: await certificate('plain.test') });
    expect((await fetchThrough({ address: '127.0.0.1', port, hostname: 'plain.test', caPem })).status).toBe(503);
    expect((await driver.listRoutes()).map((entry) => `${entry.hostname} ${entry.backendServerName ?? '-'}`)).toEqual(['plain.test -', 'public.test inner.test', 'wrong.test other.test']);
    await expect(driver.putRoute({ ...route, backendTls: false, hostname: 'x.test', backendServerName: 'inner.test', certificate: await certificate('x.test') })).rejects.toThrow(/re-encrypting/);
  });

  it('adds, removes and renews at run time: same worker, no failed request under a steady client', async () => {
    const { driver, port, caPem, certificate } = await bed();
    const plain = await startPlainBackend('steady');
    const other = await startPlainBackend('other');
    cleanup.add(() => plain.close(), () => other.close());
    const route = { listenerPort: port, hostname: 'steady.test', mode: 'l7' as const, backendTls: false, backend: { host: '127.0.0.1', port: plain.port } };
    await driver.putRoute({ ...route, certificate: await certificate('steady.test') });
    const generation = (await driver.status()).generation;
    const client = steadyClient({ address: '127.0.0.1', port, hostname: 'steady.test', caPem, expect: 'steady' });
    await client.waitFor(5);

    await driver.putRoute({ ...route, hostname: 'other.test', backend: { host: '127.0.0.1', port: other.port }, certificate: await certificate('other.test') });
    expect((await fetchThrough({ address: '127.0.0.1', port, hostname: 'other.test', caPem })).body).toBe('other other.test');
    const renewed = await certificate('steady.test');
    await driver.putRoute({ ...route, certificate: renewed });
    const served = await fetchThrough({ address: '127.0.0.1', port, hostname: 'steady.test', caPem });
    expect(served.serial).toBe(new (await import('node:crypto')).X509Certificate(renewed.chainPem).serialNumber.toUpperCase());
    expect(await driver.removeRoute(port, 'other.test')).toBe(true);
    await expect(fetchThrough({ address: '127.0.0.1', port, hostname: 'other.test', caPem })).rejects.toThrow();
    await client.waitFor(40);

    const outcome = await client.stop();
    expect(outcome.failures).toEqual([]);
    expect((await driver.status()).generation).toBe(generation);
  });

  it('reloads seamlessly for a new listener port only', async () => {
    const { driver, port, caPem, certificate } = await bed();
    const plain = await startPlainBackend('first');
    cleanup.add(() => plain.close());
    const route = { listenerPort: port, hostname: 'first.test', mode: 'l7' as const, backendTls: false, backend: { host: '127.0.0.1', port: plain.port } };
    await driver.putRoute({ ...route, certificate: await certificate('first.test') });
    const before = await driver.status();
    const client = steadyClient({ address: '127.0.0.1', port, hostname: 'first.test', caPem, expect: 'first' });
    await client.waitFor(5);
    const second = await freeLoopbackPort();
    await driver.putRoute({ ...route, listenerPort: second, certificate: await certificate('first.test') });
    expect((await fetchThrough({ address: '127.0.0.1', port: second, hostname: 'first.test', caPem })).body).toBe('first first.test');
    await client.waitFor(30);
    expect((await client.stop()).failures).toEqual([]);
    const after = await driver.status();
    expect(after.generation).not.toBe(before.generation);
    expect(after.listeners.map((listener) => listener.port)).toEqual([port, second].sort((a, b) => a - b));
  });

  it('comes back with every route after HAProxy is killed, from its files (certificates 0600)', async () => {
    const { driver, port, caPem, certificate } = await bed();
    const plain = await startPlainBackend('back');
    cleanup.add(() => plain.close());
    await driver.putRoute({ listenerPort: port, hostname: 'back.test', mode: 'l7', backendTls: false, backend: { host: '127.0.0.1', port: plain.port }, certificate: await certificate('back.test') });
    await driver.putRoute({ listenerPort: port, hostname: 'pass.test', mode: 'l4', backendTls: false, backend: { host: '127.0.0.1', port: plain.port } });
    const before = await driver.listRoutes();
    const info = await haproxyProcessInfo(driver.layout);
    if (info === undefined) throw new Error('HAProxy is not running');
    process.kill(info.masterPid, 'SIGKILL');
    process.kill(info.workerPid, 'SIGKILL');
    expect(await driver.ensureRunning()).toBe('started');
    expect(await driver.listRoutes()).toEqual(before);
    expect((await fetchThrough({ address: '127.0.0.1', port, hostname: 'back.test', caPem })).body).toBe('back back.test');
    const pem = join(driver.layout.certDir, `back.test-${port}.pem`);
    expect((await stat(pem)).mode & 0o777).toBe(0o600);
    await stopHaproxy(driver.layout);
  });

  it('reports a start made by another operation at the next ensureRunning, once', async () => {
    const { driver, port, caPem, certificate } = await bed();
    const plain = await startPlainBackend('listed');
    cleanup.add(() => plain.close());
    await driver.putRoute({ listenerPort: port, hostname: 'listed.test', mode: 'l7', backendTls: false, backend: { host: '127.0.0.1', port: plain.port }, certificate: await certificate('listed.test') });
    expect(await driver.ensureRunning()).toBe('running');
    const info = await haproxyProcessInfo(driver.layout);
    if (info === undefined) throw new Error('HAProxy is not running');
    process.kill(info.masterPid, 'SIGKILL');
    process.kill(info.workerPid, 'SIGKILL');
    // An operator's look at the routes finds HAProxy dead: it needs one, so it starts it, from the files.
    expect((await driver.listRoutes()).map((route) => route.hostname)).toEqual(['listed.test']);
    expect((await fetchThrough({ address: '127.0.0.1', port, hostname: 'listed.test', caPem })).body).toBe('listed listed.test');
    expect(await driver.ensureRunning()).toBe('started');
    expect(await driver.ensureRunning()).toBe('running');
  });

  it('refuses a route it cannot express, naming the field', async () => {
    const { driver, port } = await bed();
    await expect(driver.putRoute({ listenerPort: port, hostname: 'Bad Name', mode: 'l4', backendTls: false, backend: { host: '127.0.0.1', port: 1 } })).rejects.toThrow(/hostname "Bad Name"/);
    await expect(driver.putRoute({ listenerPort: port, hostname: 'a.test', mode: 'l7', backendTls: false, backend: { host: '127.0.0.1', port: 1 } })).rejects.toThrow(/needs a certificate/);
    await expect(driver.putRoute({ listenerPort: port, hostname: 'a.test', mode: 'l4', backendTls: true, backend: { host: '127.0.0.1', port: 1 } })).rejects.toThrow(/l7 routes only/);
  });
});
