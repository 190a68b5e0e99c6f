import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, createContextValues } from '@connectrpc/connect';
import { HealthCheckResponseSchema, LogsResponseSchema, McpAgentService } from '@mcp/proto';
import { clientTlsOptions, createCertificateAuthority, issueCertificate, serverTlsOptions } from '@mcp/tls';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrpcClientTransport } from './grpc-client.js';
import { startGrpcServer, type CallHead, type RunningServer, type TransportRefusal } from './grpc-server.js';
import type { ServerLimits } from './server-limits.js';

const running: RunningServer[] = [];
const sockets: TLSSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function codeOf(call: Promise<unknown>): Promise<Code> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error).code;
  }
  throw new Error('expected the call to fail');
}

/** A server whose gate admits only `authorization: Bearer ok`, counting what reaches the handlers. */
async function serve(limits: Partial<ServerLimits> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-rpc-limits-'));
  const ca = await createCertificateAuthority({ dir, commonName: 'ca' });
  const leaf = await issueCertificate({ authority: ca, dir, name: 'srv', commonName: 'srv', altNames: ['localhost', '127.0.0.1'] });
  const heads: CallHead[] = [];
  const refusals: TransportRefusal[] = [];
  const reached: string[] = [];
  const server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: await serverTlsOptions({ certPath: leaf.chainPath, keyPath: leaf.keyPath }),
    interceptors: [],
    limits,
    onRefusal: (refusal) => refusals.push(refusal),
    gate: (head) => {
      heads.push(head);
      return Promise.resolve(
        head.header.get('authorization') === 'Bearer ok'
          ? { admit: true, contextValues: createContextValues() }
          : { admit: false, code: Code.Unauthenticated, message: 'no entry' },
      );
    },
    routes: (router) =>
      router.service(McpAgentService, {
        healthCheck() {
          reached.push('HealthCheck');
          return create(HealthCheckResponseSchema, { status: 'healthy' });
        },
        async importServiceData(requests) {
          reached.push('ImportServiceData');
          for await (const _ of requests) void _;
          return {};
        },
        async *logs(_request, context) {
          reached.push('Logs');
          yield create(LogsResponseSchema, { lines: [] });
          await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
        },
      }),
  });
  running.push(server);
  const tls = await clientTlsOptions({ caPath: ca.certPath });
  const client = (token: string) => createClient(McpAgentService, createGrpcClientTransport({ address: `localhost:${server.port}`, tls, token: () => token }));
  return { server, heads, refusals, reached, client, caPath: ca.certPath };
}

describe('the gRPC server gate and limits', () => {
  it('answers a refused call from its headers and never runs the handler or reads the body', async () => {
    const { client, heads, reached } = await serve();
    async function* big() {
      for (let i = 0; i < 64; i += 1) yield { service: 'x', data: new Uint8Array(1024 * 1024) };
    }
    expect(await codeOf(client('nope').importServiceData(big()))).toBe(Code.Unauthenticated);
    expect(await codeOf(client('nope').healthCheck({}))).toBe(Code.Unauthenticated);
    expect(reached).toEqual([]);
    expect(heads.map((head) => [head.path, head.peer.address])).toEqual([
      ['/mcp.v1.McpAgentService/ImportServiceData', '127.0.0.1'],
      ['/mcp.v1.McpAgentService/HealthCheck', '127.0.0.1'],
    ]);
    expect((await client('ok').healthCheck({})).status).toBe('healthy');
  });

  it('refuses a request message above the limit', async () => {
    const { client } = await serve({ maxMessageBytes: 1024 });
    expect(await codeOf(client('ok').importServiceData((async function* () { yield { service: 'x', data: new Uint8Array(4096) }; })()))).toBe(
      Code.ResourceExhausted,
    );
  });

  it('closes connections beyond the per-peer limit and reports each', async () => {
    const { server, refusals, caPath } = await serve({ maxConnectionsPerPeer: 2 });
    const ca = await readFile(caPath);
    const open = async (): Promise<TLSSocket> => {
      const socket = tlsConnect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca, ALPNProtocols: ['h2'] });
      sockets.push(socket);
      socket.on('error', () => undefined);
      return socket;
    };
    const first = await open();
    const second = await open();
    await Promise.all([once(first, 'secureConnect'), once(second, 'secureConnect')]);
    const third = await open();
    await new Promise((resolve) => third.once('close', resolve));
    expect(refusals).toEqual([expect.objectContaining({ peer: '127.0.0.1', limit: 'connections-per-peer' })]);
  });

  it('bounds the long calls (log follows, file streams) a server runs at once', async () => {
    const { client, refusals, reached } = await serve({ maxLongCalls: 1 });
    const stop = new AbortController();
    const first = client('ok').logs({ service: 'a', follow: true }, { signal: stop.signal })[Symbol.asyncIterator]();
    await first.next();
    const second = await codeOf((async () => {
      for await (const _ of client('ok').logs({ service: 'b', follow: true })) void _;
    })());
    expect(second).toBe(Code.ResourceExhausted);
    expect(reached).toEqual(['Logs']);
    expect(refusals).toEqual([expect.objectContaining({ limit: 'long-calls', path: '/mcp.v1.McpAgentService/Logs' })]);
    stop.abort();
    await first.next().catch(() => undefined);
  });

  it('cancels a call that outlives the call limit and reports it', async () => {
    const { client, refusals } = await serve({ maxLongCallMs: 50 });
    const code = await codeOf((async () => {
      for await (const _ of client('ok').logs({ service: 'a', follow: true })) void _;
    })());
    expect(code).toBe(Code.Canceled);
    expect(refusals).toEqual([expect.objectContaining({ limit: 'call-duration' })]);
  });
});
