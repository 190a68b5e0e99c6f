// Boot-stage health checks against real servers on loopback: TCP listeners, HTTP(S) servers, gRPC servers.
import { McpAgentService } from '@mcp/proto';
import { startGrpcServer } from '@mcp/rpc';
import { useTempDirs } from '@mcp/testing';
import { createCertificateAuthority, issueCertificate, serverTlsOptions } from '@mcp/tls';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTarget, parseCheckTarget, runHealthCheck, type CheckTarget } from './boot-checks.js';

const tempDir = useTempDirs('mcp-boot-checks');
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Listens on a free loopback port; after the test, drops its connections and closes it. */
async function listen<T extends Server | HttpServer>(server: T): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        for (const socket of sockets) socket.destroy();
      }),
  );
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function target(kind: 'tcp' | 'grpc' | 'http', text: string): CheckTarget {
  const parsed = parseCheckTarget(kind, text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.target;
}

/** A gRPC health service speaking the wire format by hand (the proto is not part of this project). */
async function grpcHealthServer(status: number): Promise<number> {
  const server = createHttp2Server();
  server.on('stream', (stream, headers) => {
    stream.resume();
    if (headers[':path'] !== '/grpc.health.v1.Health/Check') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, status]));
  });
  return listen(server as unknown as Server);
}

async function tlsFiles() {
  const dir = await tempDir();
  const authority = await createCertificateAuthority({ dir, commonName: 'boot check CA' });
  const leaf = await issueCertificate({ authority, dir, name: 'svc', commonName: 'svc', altNames: ['127.0.0.1'] });
  return serverTlsOptions({ certPath: leaf.chainPath, keyPath: leaf.keyPath });
}

describe('parseCheckTarget', () => {
  it('reads host:port for tcp, URLs for http, and TLS or h2c addresses for grpc', () => {
    expect(target('tcp', '10.0.0.1:53')).toEqual({ kind: 'tcp', host: '10.0.0.1', port: 53 });
    expect(target('http', 'https://svc:8443/health')).toEqual({ kind: 'http', url: new URL('https://svc:8443/health') });
    expect(target('grpc', 'svc:9443')).toEqual({ kind: 'grpc', host: 'svc', port: 9443, tls: true });
    expect(target('grpc', 'http://[::1]:9443')).toEqual({ kind: 'grpc', host: '::1', port: 9443, tls: false });
  });

  it('refuses wildcard addresses and port 0, which name nothing to connect to', () => {
    expect(parseCheckTarget('tcp', '0.0.0.0:80')).toMatchObject({ ok: false, problem: expect.stringContaining('wildcard') });
    expect(parseCheckTarget('tcp', '127.0.0.1:0')).toMatchObject({ ok: false, problem: expect.stringContaining('port 0') });
  });

  it('describes a target for logs', () => {
    expect(describeTarget(target('grpc', 'http://[::1]:9443'))).toBe('grpc h2c [::1]:9443');
  });
});

describe('runHealthCheck', () => {
  it('tcp: healthy when something accepts the connection', async () => {
    const port = await listen(createTcpServer((socket) => socket.destroy()));
    expect(await runHealthCheck(target('tcp', `127.0.0.1:${port}`), 2000)).toEqual({ healthy: true, detail: 'connected' });
  });

  it('tcp: not healthy when nothing listens, saying why', async () => {
    const port = await closedPort();
    expect(await runHealthCheck(target('tcp', `127.0.0.1:${port}`), 2000)).toMatchObject({
      healthy: false,
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('http: healthy on a 2xx answer, not healthy on another status', async () => {
    let status = 503;
    const port = await listen(createHttpServer((_request, response) => response.writeHead(status).end()));
    const health = target('http', `http://127.0.0.1:${port}/health`);
    expect(await runHealthCheck(health, 2000)).toEqual({ healthy: false, reason: 'HTTP 503' });
    status = 204;
    expect(await runHealthCheck(health, 2000)).toEqual({ healthy: true, detail: 'HTTP 204' });
  });

  it('http: accepts a certificate it cannot verify, since it asks whether the service answers', async () => {
    const port = await listen(createHttpsServer(await tlsFiles(), (_request, response) => response.writeHead(200).end()));
    expect(await runHealthCheck(target('http', `https://127.0.0.1:${port}/`), 2000)).toEqual({ healthy: true, detail: 'HTTP 200' });
  });

  it('http: not healthy when no answer comes within the timeout', async () => {
    const port = await listen(createHttpServer(() => undefined));
    expect(await runHealthCheck(target('http', `http://127.0.0.1:${port}/`), 200)).toEqual({
      healthy: false,
      reason: 'no answer within 200 ms',
    });
  });

  it('grpc: healthy when the health service says SERVING, not when it says NOT_SERVING', async () => {
    const serving = await grpcHealthServer(1);
    const notServing = await grpcHealthServer(2);
    expect(await runHealthCheck(target('grpc', `http://127.0.0.1:${serving}`), 2000)).toEqual({ healthy: true, detail: 'SERVING' });
    expect(await runHealthCheck(target('grpc', `http://127.0.0.1:${notServing}`), 2000)).toEqual({
      healthy: false,
      reason: 'health service says NOT_SERVING',
    });
  });

  it('grpc: counts a gRPC server over TLS without a health service (an MCP agent) as up', async () => {
    const server = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      tls: await tlsFiles(),
      routes: (router) => router.service(McpAgentService, {}),
      interceptors: [],
    });
    closers.push(() => server.close());
    expect(await runHealthCheck(target('grpc', `127.0.0.1:${server.port}`), 2000)).toEqual({
      healthy: true,
      detail: 'a gRPC server answers (Unimplemented)',
    });
  });

  it('grpc: not healthy when the port speaks something other than HTTP/2', async () => {
    const port = await listen(createTcpServer((socket) => socket.resume().end('SSH-2.0-OpenSSH\r\n')));
    expect(await runHealthCheck(target('grpc', `http://127.0.0.1:${port}`), 2000)).toMatchObject({ healthy: false });
  });
});
