// Real backends and a client for proxy tests: a TLS server that echoes the SNI it saw (l4), plain and TLS HTTP
// servers (l7), and an HTTPS client that connects to a proxy address while naming a hostname.
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface TestBackend {
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: HttpServer): Promise<TestBackend> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Plain HTTP: answers `<name> <Host header>`. */
export function startPlainBackend(name: string): Promise<TestBackend> {
  return listen(createHttpServer((request, response) => response.end(`${name} ${request.headers.host ?? ''}`)));
}

/** HTTPS with the given chain and key: answers `<name> sni=<servername it saw>`. */
export async function startTlsBackend(name: string, files: { chainPath: string; keyPath: string }): Promise<TestBackend> {
  const [cert, key] = await Promise.all([readFile(files.chainPath, 'utf8'), readFile(files.keyPath, 'utf8')]);
  const server = createHttpsServer({ cert, key }, (request, response) => {
    const socket = request.socket as TLSSocket;
    response.end(`${name} sni=${String(socket.servername)}`);
  });
  return listen(server);
}

export interface FetchResult {
  readonly status: number;
  readonly body: string;
  /** Serial (upper-case hex) of the certificate the server presented. */
  readonly serial: string;
}

/** GET https://<hostname>:<port>/ through `address`, verifying against `caPem` (SNI and Host = hostname). */
export function fetchThrough(options: { address: string; port: number; hostname: string; caPem: string }): Promise<FetchResult> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: options.address,
        port: options.port,
        servername: options.hostname,
        headers: { host: options.hostname },
        ca: options.caPem,
        path: '/',
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        const socket = response.socket as TLSSocket;
        const serial = socket.getPeerCertificate().serialNumber.toUpperCase();
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), serial }));
        response.on('error', reject);
      },
    );
    request.setTimeout(10_000, () => request.destroy(new Error(`no answer from ${options.hostname} via ${options.address}:${options.port}`)));
    request.on('error', reject);
    request.end();
  });
}
