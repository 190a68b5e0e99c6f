import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { HealthCheckResponseSchema, LogsResponseSchema, McpAgentService } from '@mcp/proto';
import { clientTlsOptions, createCertificateAuthority, issueCertificate, serverTlsOptions } from '@mcp/tls';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createErrorInterceptor, type ErrorClass } from './error-interceptor.js';
import { createGrpcClientTransport } from './grpc-client.js';
import { startGrpcServer, type RunningServer } from './grpc-server.js';
import { connectFailureOf as failureOf } from '@mcp/testing';

class MissingThing extends Error {}


const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

interface Logged {
  fields: Record<string, unknown>;
  message: string;
}

async function serve(options: { failWith?: unknown } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-rpc-'));
  const ca = await createCertificateAuthority({ dir, commonName: 'ca' });
  const leaf = await issueCertificate({ authority: ca, dir, name: 'agent', commonName: 'agent', altNames: ['localhost', '127.0.0.1'] });
  const logged: Logged[] = [];
  const seenTokens: string[] = [];
  const classify = (error: unknown): ErrorClass | undefined => (error instanceof MissingThing ? 'not-found' : undefined);
  const server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: await serverTlsOptions({ certPath: leaf.chainPath, keyPath: leaf.keyPath }),
    interceptors: [createErrorInterceptor({ classify, log: { error: (fields, message) => logged.push({ fields, message }) } })],
    routes: (router) =>
      router.service(McpAgentService, {
        healthCheck(_req, context) {
          seenTokens.push(context.requestHeader.get('authorization') ?? '');
          if (options.failWith !== undefined) throw options.failWith;
          return create(HealthCheckResponseSchema, { status: 'healthy', containers: 3 });
        },
        async *logs() {
          yield create(LogsResponseSchema, { lines: [] });
          throw new MissingThing('component web of service hello is not deployed');
        },
      }),
  });
  running.push(server);
  const tls = await clientTlsOptions({ caPath: ca.certPath });
  return { server, tls, logged, seenTokens, address: `localhost:${server.port}` };
}

describe('gRPC server and client', () => {
  it('answers a gRPC call over TLS and sees the bearer token', async () => {
    const { tls, address, seenTokens } = await serve();
    const client = createClient(McpAgentService, createGrpcClientTransport({ address, tls, token: () => 'secret-token' }));
    const res = await client.healthCheck({});
    expect(res.status).toBe('healthy');
    expect(res.containers).toBe(3);
    expect(seenTokens).toEqual(['Bearer secret-token']);
  });

  it('refuses the Connect protocol', async () => {
    const { tls, address } = await serve();
    const transport = createConnectTransport({ baseUrl: `https://${address}`, httpVersion: '2', nodeOptions: tls });
    const error = await failureOf(createClient(McpAgentService, transport).healthCheck({}));
    // The server answers 415 Unsupported Media Type: no Connect-protocol handler exists.
    expect(error.code).toBe(Code.Unknown);
    expect(error.rawMessage).toBe('HTTP 415');
  });

  it('refuses plaintext HTTP/2', async () => {
    const { address } = await serve();
    const transport = createGrpcTransport({ baseUrl: `http://${address}` });
    const error = await failureOf(createClient(McpAgentService, transport).healthCheck({}, { timeoutMs: 5000 }));
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.code).not.toBe(Code.DeadlineExceeded);
  });

  it('maps a classified error to its code with the original message', async () => {
    const { tls, address } = await serve({ failWith: new MissingThing('service hello is not deployed on this node') });
    const client = createClient(McpAgentService, createGrpcClientTransport({ address, tls, token: () => 't' }));
    const error = await failureOf(client.healthCheck({}));
    expect(error.code).toBe(Code.NotFound);
    expect(error.rawMessage).toBe('service hello is not deployed on this node');
  });

  it('hides an unexpected error behind an incident id and logs the cause once', async () => {
    const cause = new Error('sqlite: disk I/O error at /var/lib/secret.db');
    const { tls, address, logged } = await serve({ failWith: cause });
    const client = createClient(McpAgentService, createGrpcClientTransport({ address, tls, token: () => 't' }));
    const error = await failureOf(client.healthCheck({}));
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toMatch(/^internal error in HealthCheck \(incident [0-9a-f-]{36}; details are in the server log\)$/);
    expect(error.rawMessage).not.toContain('secret.db');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields['err']).toBe(cause);
    expect(error.rawMessage).toContain(String(logged[0]?.fields['incident']));
  });

  it('maps an error raised in the middle of a server stream', async () => {
    const { tls, address } = await serve();
    const client = createClient(McpAgentService, createGrpcClientTransport({ address, tls, token: () => 't' }));
    const frames: unknown[] = [];
    const error = await failureOf(
      (async () => {
        for await (const frame of client.logs({ service: 'hello' })) frames.push(frame);
      })(),
    );
    expect(frames).toHaveLength(1);
    expect(error.code).toBe(Code.NotFound);
    expect(error.rawMessage).toBe('component web of service hello is not deployed');
  });

  it('answers Unimplemented for a method the server does not implement', async () => {
    const { tls, address } = await serve();
    const client = createClient(McpAgentService, createGrpcClientTransport({ address, tls, token: () => 't' }));
    const error = await failureOf(client.recover({}));
    expect(error.code).toBe(Code.Unimplemented);
  });
});
