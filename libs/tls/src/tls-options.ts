// TLS settings every MCP server and client uses: TLS 1.3 only, HTTP/2 by ALPN, peers checked against the CA.
import { readFile } from 'node:fs/promises';
import type { SecureClientSessionOptions, SecureServerOptions } from 'node:http2';
import { TlsError } from './errors.js';

export interface ServerTlsFiles {
  /** Certificate chain presented to clients (leaf first). */
  certPath: string;
  keyPath: string;
  /** CA that client certificates are checked against, when client certificates are requested. */
  caPath?: string;
}

export interface ClientTlsFiles {
  /** The platform CA that the server's certificate must chain to. */
  caPath: string;
  /** Optional client certificate (chain) and key. */
  certPath?: string;
  keyPath?: string;
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new TlsError('read TLS files', `cannot read the ${what} ${path}: ${(error as Error).message}`, {
      path,
      cause: error,
    });
  }
}

/** Options for `http2.createSecureServer`: TLS 1.3 minimum, h2 only (no HTTP/1.1 fallback). */
export async function serverTlsOptions(files: ServerTlsFiles): Promise<SecureServerOptions> {
  const [cert, key] = await Promise.all([readPem(files.certPath, 'certificate'), readPem(files.keyPath, 'key')]);
  const options: SecureServerOptions = {
    cert,
    key,
    minVersion: 'TLSv1.3',
    ALPNProtocols: ['h2'],
    allowHTTP1: false,
  };
  if (files.caPath !== undefined) {
    options.ca = await readPem(files.caPath, 'CA certificate');
    options.requestCert = true;
    options.rejectUnauthorized = false;
  }
  return options;
}

/** Options for `http2.connect`: the server must present a TLS 1.3 certificate chaining to the CA. */
export async function clientTlsOptions(files: ClientTlsFiles): Promise<SecureClientSessionOptions> {
  const options: SecureClientSessionOptions = {
    ca: await readPem(files.caPath, 'CA certificate'),
    minVersion: 'TLSv1.3',
    ALPNProtocols: ['h2'],
    rejectUnauthorized: true,
  };
  if (files.certPath !== undefined && files.keyPath !== undefined) {
    options.cert = await readPem(files.certPath, 'client certificate');
    options.key = await readPem(files.keyPath, 'client key');
  }
  return options;
}
