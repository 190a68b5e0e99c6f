import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { connect, createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from './certificate-authority.js';
import { clientTlsOptions, serverTlsOptions } from './tls-options.js';

const servers: Http2SecureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function startServer(): Promise<{ port: number; caPath: string; otherCaPath: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-tls-'));
  const ca = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'ca' });
  const other = await createCertificateAuthority({ dir: join(dir, 'other'), commonName: 'other' });
  const leaf = await issueCertificate({ authority: ca, dir, name: 'srv', commonName: 'srv', altNames: ['localhost', '127.0.0.1'] });
  const server = createSecureServer(await serverTlsOptions({ certPath: leaf.chainPath, keyPath: leaf.keyPath }), (req, res) => {
    res.end(`hello over ${req.httpVersion}`);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, caPath: ca.certPath, otherCaPath: other.certPath };
}

async function get(port: number, caPath: string): Promise<string> {
  const session = connect(`https://localhost:${port}`, await clientTlsOptions({ caPath }));
  try {
    const errored = once(session, 'error').then(([error]) => Promise.reject(error as Error));
    const request = session.request({ ':path': '/' });
    request.setEncoding('utf8');
    let body = '';
    request.on('data', (chunk: string) => (body += chunk));
    await Promise.race([once(request, 'end'), errored]);
    return body;
  } finally {
    session.close();
  }
}

describe('TLS options', () => {
  it('serves HTTP/2 over TLS to a client that trusts the CA', async () => {
    const { port, caPath } = await startServer();
    expect(await get(port, caPath)).toBe('hello over 2.0');
  });

  it('makes the client refuse a server whose certificate is from another CA', async () => {
    const { port, otherCaPath } = await startServer();
    await expect(get(port, otherCaPath)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('refuses a client that offers at most TLS 1.2', async () => {
    const { port, caPath } = await startServer();
    const { readFile } = await import('node:fs/promises');
    const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca: await readFile(caPath), maxVersion: 'TLSv1.2', ALPNProtocols: ['h2'] });
    const [error] = (await once(socket, 'error')) as [Error];
    socket.destroy();
    expect(error.message).toMatch(/protocol version|alert/i);
  });

  it('names the missing file when a certificate cannot be read', async () => {
    await expect(serverTlsOptions({ certPath: '/nonexistent/cert.pem', keyPath: '/nonexistent/key.pem' })).rejects.toThrow(
      /cannot read the (certificate|key) \/nonexistent\//,
    );
  });
});
