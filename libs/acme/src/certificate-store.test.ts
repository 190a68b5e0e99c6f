// Certificates from a real Pebble (EAB required): exact hostname, full chain checked, reuse, renewal, refusals.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freeLoopbackPort, useTempDirs } from '@mcp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAcmeIssuer } from './acme-issuer.js';
import { createCertificateStore } from './certificate-store.js';
import { startHttp01Responder, type Http01Responder } from './http01-responder.js';
import { startPebble, type Pebble } from './testing/index.js';

const tempDir = useTempDirs('mcp-acme');
const undo: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (let step = undo.pop(); step !== undefined; step = undo.pop()) await step();
});

async function pebbleAndResponder(validitySeconds?: number): Promise<{ pebble: Pebble; responder: Http01Responder; dir: string }> {
  const dir = await tempDir();
  const responder = await startHttp01Responder({ address: '127.0.0.1', port: 0 });
  undo.push(() => responder.close());
  const pebble = await startPebble({
    dir,
    ports: { acme: await freeLoopbackPort(), management: await freeLoopbackPort(), dns: await freeLoopbackPort() },
    httpPort: responder.port,
    resolveTo: '127.0.0.1',
    ...(validitySeconds === undefined ? {} : { certificateValiditySeconds: validitySeconds }),
  });
  undo.push(() => pebble.stop());
  return { pebble, responder, dir };
}

describe('certificates over ACME (real Pebble)', { timeout: 60_000 }, () => {
  it('issues a full chain for the exact hostname, checked against the CA, kept 0600, and reuses it', async () => {
    const { pebble, responder, dir } = await pebbleAndResponder();
    const issuer = createAcmeIssuer({ directoryUrl: pebble.directoryUrl, eab: pebble.eab, directoryCaPem: pebble.listenerCaPem, accountKeyPath: join(dir, 'acme', 'account.key') }, responder);
    const store = createCertificateStore({ dir: join(dir, 'certs'), issuer, caBundle: () => pebble.rootPem(), clock: { now: () => new Date() } });
    const first = await store.obtain('web.svc.mcp.test');
    expect(first.chainPem.match(/BEGIN CERTIFICATE/g)?.length).toBeGreaterThanOrEqual(2);
    expect((await stat(first.keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(first.chainPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'acme', 'account.key'))).mode & 0o777).toBe(0o600);
    const again = await store.obtain('web.svc.mcp.test');
    expect(again.serial).toBe(first.serial);
    const renewed = await store.renew('web.svc.mcp.test');
    expect(renewed.serial).not.toBe(first.serial);
  });

  it('registers again when the CA no longer knows the kept account (a restarted CA)', async () => {
    const { pebble, responder, dir } = await pebbleAndResponder();
    const accountKeyPath = join(dir, 'acme', 'account.key');
    const issuer = createAcmeIssuer({ directoryUrl: pebble.directoryUrl, eab: pebble.eab, directoryCaPem: pebble.listenerCaPem, accountKeyPath }, responder);
    const store = createCertificateStore({ dir: join(dir, 'certs'), issuer, caBundle: () => pebble.rootPem(), clock: { now: () => new Date() } });
    await store.obtain('first.svc.mcp.test');
    await writeFile(`${accountKeyPath}.url`, `${pebble.directoryUrl.replace(/\/dir$/, '')}/my-account/forgotten\n`);
    expect((await store.obtain('second.svc.mcp.test')).hostname).toBe('second.svc.mcp.test');
    expect(await readFile(`${accountKeyPath}.url`, 'utf8')).not.toContain('forgotten');
  });

  it('counts a certificate with fewer than 30 days left as due, and obtains a new one', async () => {
    const { pebble, responder, dir } = await pebbleAndResponder(3600);
    const issuer = createAcmeIssuer({ directoryUrl: pebble.directoryUrl, eab: pebble.eab, directoryCaPem: pebble.listenerCaPem, accountKeyPath: join(dir, 'account.key') }, responder);
    const store = createCertificateStore({ dir: join(dir, 'certs'), issuer, caBundle: () => pebble.rootPem(), clock: { now: () => new Date() } });
    const short = await store.obtain('short.svc.mcp.test');
    expect(await store.due(short)).toBe(true);
    expect((await store.obtain('short.svc.mcp.test')).serial).not.toBe(short.serial);
  });

  it('fails with the CA\'s reason on a wrong EAB key and keeps nothing', async () => {
    const { pebble, responder, dir } = await pebbleAndResponder();
    const wrong = { kid: pebble.eab.kid, hmacKey: Buffer.alloc(32, 7).toString('base64url') };
    const issuer = createAcmeIssuer({ directoryUrl: pebble.directoryUrl, eab: wrong, directoryCaPem: pebble.listenerCaPem, accountKeyPath: join(dir, 'account.key') }, responder);
    const store = createCertificateStore({ dir: join(dir, 'certs'), issuer, caBundle: () => pebble.rootPem(), clock: { now: () => new Date() } });
    await expect(store.obtain('web.svc.mcp.test')).rejects.toThrow(/refused the certificate for web\.svc\.mcp\.test: .*(binding|EAB|MAC|signature)/i);
    expect(await store.hostnames()).toEqual([]);
  });

  it('fails with the reason when the CA is down', async () => {
    const { pebble, responder, dir } = await pebbleAndResponder();
    await pebble.stop();
    const issuer = createAcmeIssuer({ directoryUrl: pebble.directoryUrl, eab: pebble.eab, directoryCaPem: pebble.listenerCaPem, accountKeyPath: join(dir, 'account.key') }, responder);
    const store = createCertificateStore({ dir: join(dir, 'certs'), issuer, caBundle: async () => pebble.listenerCaPem, clock: { now: () => new Date() } });
    await expect(store.obtain('web.svc.mcp.test')).rejects.toThrow(/cannot reach the ACME CA at https:.* for web\.svc\.mcp\.test: .*ECONNREFUSED/);
  });

  it('refuses a chain that does not lead to the configured CA bundle', async () => {
    const { pebble, responder, dir } = await pebbleAndResponder();
    const issuer = createAcmeIssuer({ directoryUrl: pebble.directoryUrl, eab: pebble.eab, directoryCaPem: pebble.listenerCaPem, accountKeyPath: join(dir, 'account.key') }, responder);
    // The listener CA did not sign the issued chain.
    const store = createCertificateStore({ dir: join(dir, 'certs'), issuer, caBundle: async () => pebble.listenerCaPem, clock: { now: () => new Date() } });
    await expect(store.obtain('web.svc.mcp.test')).rejects.toThrow(/does not verify against the configured CA bundle/);
    expect(await store.hostnames()).toEqual([]);
  });
});
