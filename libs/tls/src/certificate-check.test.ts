import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from './certificate-authority.js';
import { checkCertificateChain } from './certificate-check.js';

async function fixture() {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-tls-'));
  const ca = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'ca' });
  const other = await createCertificateAuthority({ dir: join(dir, 'other'), commonName: 'other' });
  const leaf = await issueCertificate({ authority: ca, dir, name: 'web', commonName: 'web', altNames: ['web.example.net'], validDays: 90 });
  return {
    chainPem: await readFile(leaf.chainPath, 'utf8'),
    leafPem: await readFile(leaf.certPath, 'utf8'),
    caPem: await readFile(ca.certPath, 'utf8'),
    otherCaPem: await readFile(other.certPath, 'utf8'),
  };
}

describe('certificate chain check', () => {
  it('accepts a full chain for the right host and says how many days are left', async () => {
    const f = await fixture();
    const result = checkCertificateChain({ chainPem: f.chainPem, caPem: f.caPem, hostname: 'web.example.net', now: new Date() });
    expect(result).toMatchObject({ ok: true });
    if (result.ok) expect(result.daysLeft).toBeGreaterThanOrEqual(88);
  });

  it('refuses a chain that does not lead to the trusted CA', async () => {
    const f = await fixture();
    const result = checkCertificateChain({ chainPem: f.leafPem, caPem: f.otherCaPem, hostname: 'web.example.net', now: new Date() });
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/not signed by "CN=other"/) });
  });

  it('refuses a certificate for another hostname', async () => {
    const f = await fixture();
    const result = checkCertificateChain({ chainPem: f.chainPem, caPem: f.caPem, hostname: 'evil.example.net', now: new Date() });
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/does not name evil.example.net/) });
  });

  it('refuses a certificate past its validity', async () => {
    const f = await fixture();
    const later = new Date(Date.now() + 200 * 86_400_000);
    const result = checkCertificateChain({ chainPem: f.chainPem, caPem: f.caPem, hostname: 'web.example.net', now: later });
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/is not valid now/) });
  });

  it('refuses an empty bundle', async () => {
    const f = await fixture();
    expect(checkCertificateChain({ chainPem: '', caPem: f.caPem, hostname: 'x', now: new Date() })).toEqual({
      ok: false,
      problem: 'the chain holds no certificate',
    });
  });
});
