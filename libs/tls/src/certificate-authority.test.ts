import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from './certificate-authority.js';
import { TlsError } from './errors.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mcp-tls-'));
}

describe('certificate authority', () => {
  it('creates a CA certificate that is marked as a CA and self-signed', async () => {
    const ca = await createCertificateAuthority({ dir: await tempDir(), commonName: 'mcp test CA' });
    const cert = new X509Certificate(await readFile(ca.certPath));
    expect(cert.ca).toBe(true);
    expect(cert.subject).toContain('CN=mcp test CA');
    expect(cert.verify(cert.publicKey)).toBe(true);
  });

  it('writes private keys readable by the owner only', async () => {
    const dir = await tempDir();
    const ca = await createCertificateAuthority({ dir, commonName: 'ca' });
    const leaf = await issueCertificate({ authority: ca, dir, name: 'agent', commonName: 'agent', altNames: ['localhost'] });
    expect((await stat(ca.keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(leaf.keyPath)).mode & 0o777).toBe(0o600);
  });

  it('issues a leaf signed by the CA, naming its DNS names and IP addresses', async () => {
    const dir = await tempDir();
    const ca = await createCertificateAuthority({ dir, commonName: 'ca' });
    const leaf = await issueCertificate({
      authority: ca,
      dir,
      name: 'agent-rift',
      commonName: 'rift',
      altNames: ['rift.svc.mcp.metacircular.net', '127.0.0.1'],
    });
    const cert = new X509Certificate(await readFile(leaf.certPath));
    const caCert = new X509Certificate(await readFile(ca.certPath));
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkHost('rift.svc.mcp.metacircular.net')).toBe('rift.svc.mcp.metacircular.net');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('writes the full chain, leaf first then the CA', async () => {
    const dir = await tempDir();
    const ca = await createCertificateAuthority({ dir, commonName: 'ca' });
    const leaf = await issueCertificate({ authority: ca, dir, name: 'm', commonName: 'm', altNames: ['localhost'] });
    const chain = await readFile(leaf.chainPath, 'utf8');
    expect(chain.startsWith((await readFile(leaf.certPath, 'utf8')).trimEnd())).toBe(true);
    expect(chain.trimEnd().endsWith((await readFile(ca.certPath, 'utf8')).trimEnd())).toBe(true);
  });

  it('refuses a certificate without any name', async () => {
    const dir = await tempDir();
    const ca = await createCertificateAuthority({ dir, commonName: 'ca' });
    await expect(issueCertificate({ authority: ca, dir, name: 'x', commonName: 'x', altNames: [] })).rejects.toThrow(
      /altNames is empty/,
    );
  });

  it('reports an openssl failure as a TlsError with openssl\'s words', async () => {
    const dir = await tempDir();
    const missing = { certPath: join(dir, 'no-ca.pem'), keyPath: join(dir, 'no-ca.key'), commonName: 'none' };
    const attempt = issueCertificate({ authority: missing, dir, name: 'x', commonName: 'x', altNames: ['x'] });
    await expect(attempt).rejects.toBeInstanceOf(TlsError);
    await expect(attempt).rejects.toThrow(/openssl failed to issue the certificate x/);
  });
});
