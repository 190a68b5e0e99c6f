// The client transport against real servers over TLS: what it sends, and that every failure reads as it reads
// through Connect's own gRPC transport (code, message, details, metadata, cause), side by side in each test.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type ServiceImpl, type Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { GetServiceStatusResponseSchema, HealthCheckResponseSchema, LogsResponseSchema, McpAgentService } from '@mcp/proto';
import { connectFailureOf as failureOf } from '@mcp/testing';
import { clientTlsOptions, createCertificateAuthority, issueCertificate, serverTlsOptions } from '@mcp/tls';
import { mkdtemp } from 'node:fs/promises';
import { createSecureServer, type Http2SecureServer, type OutgoingHttpHeaders, type SecureClientSessionOptions, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrpcClientTransport } from './grpc-client.js';
import { startGrpcServer, type RunningServer } from './grpc-server.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function pki() {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-rpc-client-'));
  const ca = await createCertificateAuthority({ dir, commonName: 'ca' });
  const other = await createCertificateAuthority({ dir: join(dir, 'other'), commonName: 'other ca' });
  const leaf = await issueCertificate({ authority: ca, dir, name: 'agent', commonName: 'agent', altNames: ['localhost', '127.0.0.1'] });
  return {
    server: await serverTlsOptions({ certPath: leaf.chainPath, keyPath: leaf.keyPath }),
    client: await clientTlsOptions({ caPath: ca.certPath }),
    stranger: await clientTlsOptions({ caPath: other.certPath }),
  };
}

async function serve(handlers: Partial<ServiceImpl<typeof McpAgentService>>) {
  const tls = await pki();
  const server: RunningServer = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: tls.server,
    interceptors: [],
    routes: (router) => router.service(McpAgentService, handlers),
  });
  closers.push(() => server.close());
  return { tls, address: `localhost:${server.port}` };
}

/** The same client twice: through our transport, and through Connect's own gRPC transport. */
function bothClients(address: string, tls: SecureClientSessionOptions, token = 'secret-token') {
  const connect: Transport = createGrpcTransport({
    baseUrl: `https://${address}`,
    nodeOptions: tls,
    interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))],
  });
  return {
    ours: createClient(McpAgentService, createGrpcClientTransport({ address, tls, token: () => token })),
    connect: createClient(McpAgentService, connect),
  };
}

function shape(error: ConnectError) {
  return { code: Code[error.code], rawMessage: error.rawMessage, details: error.details, metadata: [...error.metadata.entries()].filter(([key]) => key.startsWith('x-')) };
}

describe('createGrpcClientTransport', () => {
  it('sends the bearer token, reads the answer, and gives its header and trailer to onHeader/onTrailer', async () => {
    const seen: (string | null)[] = [];
    const { tls, address } = await serve({
      healthCheck(_req, context) {
        seen.push(context.requestHeader.get('authorization'));
        context.responseHeader.set('x-served-by', 'rift');
        context.responseTrailer.set('x-took', '3ms');
        return create(HealthCheckResponseSchema, { status: 'healthy', containers: 3 });
      },
    });
    const { ours } = bothClients(address, tls.client);
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const answer = await ours.healthCheck({}, { onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) });
    expect(answer.status).toBe('healthy');
    expect(answer.containers).toBe(3);
    expect(seen).toEqual(['Bearer secret-token']);
    expect(header?.get('x-served-by')).toBe('rift');
    expect(trailer?.get('x-took')).toBe('3ms');
    expect(trailer?.get('grpc-status')).toBe('0');
  });

  it('sends no authorization header for an empty token', async () => {
    const seen: (string | null)[] = [];
    const { tls, address } = await serve({
      healthCheck(_req, context) {
        seen.push(context.requestHeader.get('authorization'));
        return create(HealthCheckResponseSchema, {});
      },
    });
    await bothClients(address, tls.client, '').ours.healthCheck({});
    expect(seen).toEqual([null]);
  });

  it('makes many calls, unary and streaming, side by side on one transport', async () => {
    const { tls, address } = await serve({
      getServiceStatus: (req) => create(GetServiceStatusResponseSchema, { services: [{ name: `for ${req.service}` }] }),
      async *logs(req) {
        for (const line of ['one', 'two']) yield create(LogsResponseSchema, { lines: [{ component: req.service, line: Buffer.from(line) }] });
      },
    });
    const { ours } = bothClients(address, tls.client);
    const unary = await Promise.all(['a', 'b', 'c', 'd'].map((service) => ours.getServiceStatus({ service })));
    expect(unary.map((answer) => answer.services[0]?.name)).toEqual(['for a', 'for b', 'for c', 'for d']);
    const lines: string[] = [];
    for await (const chunk of ours.logs({ service: 'web' })) lines.push(...chunk.lines.map((line) => `${line.component}: ${Buffer.from(line.line).toString()}`));
    expect(lines).toEqual(['web: one', 'web: two']);
    expect((await ours.getServiceStatus({ service: 'e' })).services[0]?.name).toBe('for e');
  });

  it('reads an error with details and metadata as Connect does', async () => {
    const { tls, address } = await serve({
      healthCheck() {
        const error = new ConnectError('service wéb % is not deployed\nat all', Code.NotFound, { 'x-node': 'rift' });
        error.details = [{ desc: HealthCheckResponseSchema, value: { status: 'missing' } }];
        throw error;
      },
    });
    const { ours, connect } = bothClients(address, tls.client);
    const [mine, theirs] = [await failureOf(ours.healthCheck({})), await failureOf(connect.healthCheck({}))];
    expect(shape(mine)).toEqual(shape(theirs));
    expect(mine.code).toBe(Code.NotFound);
    expect(mine.findDetails(HealthCheckResponseSchema)).toEqual(theirs.findDetails(HealthCheckResponseSchema));
    expect(mine.findDetails(HealthCheckResponseSchema)[0]?.status).toBe('missing');
  });

  it('reads an unexpected server failure and an unimplemented method as Connect does', async () => {
    const { tls, address } = await serve({
      healthCheck() {
        throw new Error('boom');
      },
    });
    const { ours, connect } = bothClients(address, tls.client);
    expect(shape(await failureOf(ours.healthCheck({})))).toEqual(shape(await failureOf(connect.healthCheck({}))));
    const unimplemented = await failureOf(ours.nodeStatus({}));
    expect(shape(unimplemented)).toEqual(shape(await failureOf(connect.nodeStatus({}))));
    expect(unimplemented.code).toBe(Code.Unimplemented);
  });

  it('gives up at the deadline with DeadlineExceeded, and the server sees the deadline', async () => {
    const deadlines: (string | null)[] = [];
    const { tls, address } = await serve({
      async healthCheck(_req, context) {
        deadlines.push(context.requestHeader.get('grpc-timeout'));
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
        return create(HealthCheckResponseSchema, {});
      },
    });
    const { ours, connect } = bothClients(address, tls.client);
    const [mine, theirs] = [await failureOf(ours.healthCheck({}, { timeoutMs: 200 })), await failureOf(connect.healthCheck({}, { timeoutMs: 200 }))];
    expect(mine.code).toBe(Code.DeadlineExceeded);
    expect(mine.code).toBe(theirs.code);
    expect(deadlines[0]).toBe('200m');
  });

  it('stops a call whose signal aborts, with Canceled, and the server sees it go', async () => {
    let serverSawAbort: () => void = () => undefined;
    const aborted = new Promise<void>((resolve) => (serverSawAbort = resolve));
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const { tls, address } = await serve({
      async healthCheck(_req, context) {
        started();
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
        serverSawAbort();
        return create(HealthCheckResponseSchema, {});
      },
    });
    const { ours, connect } = bothClients(address, tls.client);
    const controller = new AbortController();
    const call = failureOf(ours.healthCheck({}, { signal: controller.signal }));
    await running;
    controller.abort();
    const mine = await call;
    await aborted;
    const already = new AbortController();
    already.abort();
    expect(mine.code).toBe(Code.Canceled);
    expect((await failureOf(ours.healthCheck({}, { signal: already.signal }))).code).toBe((await failureOf(connect.healthCheck({}, { signal: already.signal }))).code);
  });

  it('reads an address nobody listens on as Unavailable, as Connect does', async () => {
    const { client } = await pki();
    const closed = await new Promise<number>((resolve) => {
      const probe = createSecureServer({}).listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const { ours, connect } = bothClients(`127.0.0.1:${closed}`, client);
    const [mine, theirs] = [await failureOf(ours.healthCheck({})), await failureOf(connect.healthCheck({}))];
    expect(shape(mine)).toEqual(shape(theirs));
    expect(mine.code).toBe(Code.Unavailable);
  });

  it('keeps the TLS failure as the cause, as Connect does (the CLI names the verification error from it)', async () => {
    const { tls, address } = await serve({ healthCheck: () => create(HealthCheckResponseSchema, {}) });
    const { ours, connect } = bothClients(address, tls.stranger);
    const [mine, theirs] = [await failureOf(ours.healthCheck({})), await failureOf(connect.healthCheck({}))];
    expect(shape(mine)).toEqual(shape(theirs));
    const causeCode = (error: ConnectError) => (error.cause instanceof Error && 'code' in error.cause ? error.cause.code : undefined);
    expect(causeCode(mine)).toBe(causeCode(theirs));
    expect(causeCode(mine)).toMatch(/CERT|SIGNATURE|ISSUER/);
  });
});

/** A TLS HTTP/2 server answering every request as told, to see how odd answers read. */
async function oddServer(answer: { status: number; headers?: OutgoingHttpHeaders; body?: Buffer; trailers?: OutgoingHttpHeaders }) {
  const tls = await pki();
  const server: Http2SecureServer = createSecureServer(tls.server);
  server.on('stream', (stream) => {
    stream.resume();
    stream.on('end', () => {
      const headers: OutgoingHttpHeaders = { 'content-type': 'application/grpc+proto', ...answer.headers };
      stream.respond({ ':status': answer.status, ...headers }, { waitForTrailers: answer.trailers !== undefined });
      if (answer.trailers !== undefined) stream.on('wantTrailers', () => stream.sendTrailers(answer.trailers ?? {}));
      stream.end(answer.body ?? Buffer.alloc(0));
    });
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sessions still open (the clients keep theirs) must not hold the close.
        for (const session of sessions) session.destroy();
      }),
  );
  return { tls, address: `localhost:${(server.address() as AddressInfo).port}` };
}

function framed(message: Uint8Array, flag = 0): Buffer {
  const out = Buffer.alloc(5 + message.byteLength);
  out.writeUInt8(flag, 0);
  out.writeUInt32BE(message.byteLength, 1);
  out.set(message, 5);
  return out;
}

describe('createGrpcClientTransport and answers that are not a plain success', () => {
  const cases: { name: string; answer: Parameters<typeof oddServer>[0]; code: Code }[] = [
    { name: 'an HTTP error status', answer: { status: 503 }, code: Code.Unavailable },
    { name: 'a body that is not gRPC', answer: { status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from('<html>') }, code: Code.Unknown },
    { name: 'a trailers-only error', answer: { status: 200, headers: { 'grpc-status': '7', 'grpc-message': 'go%20away' } }, code: Code.PermissionDenied },
    { name: 'an answer without a status', answer: { status: 200, body: framed(new Uint8Array()), trailers: {} }, code: Code.Internal },
    { name: 'an invalid status', answer: { status: 200, body: framed(new Uint8Array()), trailers: { 'grpc-status': '99' } }, code: Code.Internal },
    { name: 'an OK status without a message', answer: { status: 200, trailers: { 'grpc-status': '0' } }, code: Code.Unimplemented },
    { name: 'two messages', answer: { status: 200, body: Buffer.concat([framed(new Uint8Array()), framed(new Uint8Array())]), trailers: { 'grpc-status': '0' } }, code: Code.Unimplemented },
    { name: 'a compressed message nobody asked for', answer: { status: 200, body: framed(new Uint8Array([1]), 1), trailers: { 'grpc-status': '0' } }, code: Code.Internal },
  ];
  for (const { name, answer, code } of cases) {
    it(`reads ${name} with the code Connect gives it (${Code[code]})`, async () => {
      const { tls, address } = await oddServer(answer);
      const { ours, connect } = bothClients(address, tls.client);
      const [mine, theirs] = [await failureOf(ours.healthCheck({})), await failureOf(connect.healthCheck({}))];
      expect(Code[theirs.code]).toBe(Code[code]);
      expect(Code[mine.code]).toBe(Code[code]);
    });
  }
});
