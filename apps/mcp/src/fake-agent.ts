// Test scaffolding: a scripted McpAgentService on a real gRPC server over TLS on loopback, recording
// every request it receives. It stands in ONLY for CLI rendering and flag plumbing (what the CLI sends,
// how it prints answers and errors); the real agent's behaviour is tested against the real mcp-agent
// in the lead's end-to-end test, never against this fake.
import { create, toJson, type JsonValue } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { McpAgentService, NodeStatusResponseSchema } from '@mcp/proto';
import { startGrpcServer, type RunningServer } from '@mcp/rpc';
import { createCertificateAuthority, issueCertificate, serverTlsOptions } from '@mcp/tls';

export type AgentScript = Partial<ServiceImpl<typeof McpAgentService>>;
type MethodName = keyof typeof McpAgentService.method;

/** A CA and a server certificate for localhost / 127.0.0.1, made once per test file. */
export interface TestPki {
  readonly caPath: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export async function createTestPki(dir: string): Promise<TestPki> {
  const authority = await createCertificateAuthority({ dir, commonName: 'mcp test CA' });
  const leaf = await issueCertificate({ authority, dir, name: 'agent', commonName: 'agent', altNames: ['localhost', '127.0.0.1'] });
  return { caPath: authority.certPath, certPath: leaf.chainPath, keyPath: leaf.keyPath };
}

export interface RecordedCall {
  /** Local method name, e.g. "deploy". */
  readonly method: MethodName;
  /** The request (for client streams, every frame) as proto JSON, defaults included. */
  readonly request: JsonValue;
  readonly authorization: string;
}

export interface FakeAgent {
  readonly name: string;
  readonly address: string;
  /** Every call in arrival order, NodeStatus included. */
  readonly calls: readonly RecordedCall[];
  /** The requests of one method, as proto JSON. */
  requests(method: MethodName): JsonValue[];
  close(): Promise<void>;
}

export interface FakeAgentOptions {
  readonly pki: TestPki;
  /** Node name NodeStatus reports and the CLI config lists. */
  readonly name: string;
  readonly script?: AgentScript;
  /** Bare RPC names NodeStatus lists; default: every method the script (plus NodeStatus) implements. */
  readonly capabilities?: readonly string[];
  /** The only bearer token accepted; default "operator-token". */
  readonly token?: string;
  /** Behave like an agent older than NodeStatus (it answers Unimplemented). */
  readonly withoutNodeStatus?: boolean;
}

export const fakeAgentToken = 'operator-token';

export async function startFakeAgent(options: FakeAgentOptions): Promise<FakeAgent> {
  const calls: RecordedCall[] = [];
  const token = options.token ?? fakeAgentToken;
  const statusScript: AgentScript = {
    nodeStatus: () =>
      create(NodeStatusResponseSchema, {
        node: options.name,
        agentVersion: '0.1.0-fake',
        capabilities: [...(options.capabilities ?? implemented(options.script ?? {}))],
      }),
  };
  const script: AgentScript = { ...(options.withoutNodeStatus === true ? {} : statusScript), ...options.script };
  const server: RunningServer = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: await serverTlsOptions({ certPath: options.pki.certPath, keyPath: options.pki.keyPath }),
    interceptors: [],
    routes: (router) => router.service(McpAgentService, recording(script, calls, token)),
  });
  return {
    name: options.name,
    address: `localhost:${server.port}`,
    calls,
    requests: (method) => calls.filter((call) => call.method === method).map((call) => call.request),
    close: () => server.close(),
  };
}

function implemented(script: AgentScript): string[] {
  return McpAgentService.methods
    .filter((method) => method.localName === 'nodeStatus' || method.localName in script)
    .map((method) => method.name);
}

// Wraps each scripted handler: record the request and the token, refuse a wrong token, then run the script.
function recording(script: AgentScript, calls: RecordedCall[], token: string): AgentScript {
  const wrapped: Record<string, unknown> = {};
  for (const method of McpAgentService.methods) {
    const handler = (script as Record<string, unknown>)[method.localName];
    if (typeof handler !== 'function') continue;
    const name = method.localName as MethodName;
    const record = (request: JsonValue, authorization: string) => {
      calls.push({ method: name, request, authorization });
      if (authorization !== `Bearer ${token}`) throw new ConnectError('invalid or expired token', Code.Unauthenticated);
    };
    const authorizationOf = (context: { requestHeader: Headers }) => context.requestHeader.get('authorization') ?? '';
    if (method.methodKind === 'client_streaming') {
      wrapped[name] = async (frames: AsyncIterable<never>, context: { requestHeader: Headers }) => {
        const received: never[] = [];
        for await (const frame of frames) received.push(frame);
        record(received.map((frame) => toJson(method.input, frame, { alwaysEmitImplicit: true })), authorizationOf(context));
        return handler(toIterable(received), context);
      };
    } else if (method.methodKind === 'server_streaming') {
      wrapped[name] = async function* (request: never, context: { requestHeader: Headers }) {
        record(toJson(method.input, request, { alwaysEmitImplicit: true }), authorizationOf(context));
        yield* handler(request, context);
      };
    } else {
      wrapped[name] = (request: never, context: { requestHeader: Headers }) => {
        record(toJson(method.input, request, { alwaysEmitImplicit: true }), authorizationOf(context));
        return handler(request, context);
      };
    }
  }
  return wrapped as AgentScript;
}

async function* toIterable<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}
