// Test scaffolding: a scripted McpMasterService on a real gRPC server over TLS on loopback, recording every
// request and token it receives. It stands in ONLY for CLI rendering and flag plumbing (what the CLI sends, how
// it prints the master's answers and errors); the real master is tested in apps/mcp-master, and with real agents
// through the built CLI in e2e/dev-fleet.test.ts, never against this fake.
import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { McpMasterService } from '@mcp/proto';
import { startGrpcServer } from '@mcp/rpc';
import { serverTlsOptions } from '@mcp/tls';
import { fakeAgentToken, type TestPki } from './fake-agent.js';

export type MasterScript = Partial<ServiceImpl<typeof McpMasterService>>;
type MethodName = keyof typeof McpMasterService.method;

export interface RecordedMasterCall {
  readonly method: MethodName;
  /** The request as proto JSON, defaults included. */
  readonly request: JsonValue;
  readonly authorization: string;
}

export interface FakeMaster {
  readonly address: string;
  /** Every call in arrival order. */
  readonly calls: readonly RecordedMasterCall[];
  /** The requests of one method, as proto JSON. */
  requests(method: MethodName): JsonValue[];
  close(): Promise<void>;
}

export interface FakeMasterOptions {
  readonly pki: TestPki;
  readonly script: MasterScript;
  /** The only bearer token accepted; default the fake agents' one. */
  readonly token?: string;
}

export async function startFakeMaster(options: FakeMasterOptions): Promise<FakeMaster> {
  const calls: RecordedMasterCall[] = [];
  const token = options.token ?? fakeAgentToken;
  const wrapped: Record<string, unknown> = {};
  // The master's RPCs are all unary: record the request and the token, refuse a wrong token, run the script.
  for (const method of McpMasterService.methods) {
    const handler = (options.script as Record<string, unknown>)[method.localName];
    if (typeof handler !== 'function') continue;
    wrapped[method.localName] = (request: never, context: { requestHeader: Headers }) => {
      const authorization = context.requestHeader.get('authorization') ?? '';
      calls.push({ method: method.localName as MethodName, request: toJson(method.input, request, { alwaysEmitImplicit: true }), authorization });
      if (authorization !== `Bearer ${token}`) throw new ConnectError('invalid or expired token', Code.Unauthenticated);
      return handler(request, context);
    };
  }
  const server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: await serverTlsOptions({ certPath: options.pki.certPath, keyPath: options.pki.keyPath }),
    interceptors: [],
    routes: (router) => router.service(McpMasterService, wrapped as MasterScript),
  });
  return {
    address: `localhost:${server.port}`,
    calls,
    requests: (method) => calls.filter((call) => call.method === method).map((call) => call.request),
    close: () => server.close(),
  };
}
