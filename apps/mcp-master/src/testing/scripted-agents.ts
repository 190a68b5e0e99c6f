// Test bed for the fleet operations: a real master store (SQLite file) and scripted McpAgentService servers.
// The scripted agents are real gRPC servers over TLS 1.3 on loopback, so the master's calls cross a real socket;
// they stand in for mcp-agent ONLY in these unit tests, to script failures, hangs and timeouts. They keep a tiny
// in-memory registry (deploy records the spec and "runs" it). Real agents in real processes are the e2e's job.
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient, type ServiceImpl } from '@connectrpc/connect';
import {
  ComponentInfoSchema,
  ComponentResultSchema,
  DeployResponseSchema,
  EdgeRouteSchema,
  GetServiceStatusResponseSchema,
  ListEdgeRoutesResponseSchema,
  ListServicesResponseSchema,
  McpAgentService,
  ResultStatus,
  ServiceInfoSchema,
  RemoveEdgeRouteResponseSchema,
  ServiceSpecSchema,
  SetupEdgeRouteResponseSchema,
  StepResultSchema,
  UndeployServiceResponseSchema,
  type EdgeRoute,
  type ServiceInfo,
  type ServiceSpec,
} from '@mcp/proto';
import { createGrpcClientTransport, startGrpcServer, type RunningServer } from '@mcp/rpc';
import { clientTlsOptions, createCertificateAuthority, issueCertificate, serverTlsOptions } from '@mcp/tls';
import type { SecureClientSessionOptions, SecureServerOptions } from 'node:http2';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import type { AgentClient, AgentClients, MasterDeps, MasterLog, NodeRecord } from '../deps.js';
import { openTempMasterStore, sampleNode, type TempMasterStore } from '../store/testing.js';

export type AgentScript = Partial<ServiceImpl<typeof McpAgentService>>;

/** What a scripted agent keeps of a deployed service. */
export interface HeldService {
  spec: ServiceSpec;
  active: boolean;
  running: boolean;
}

export interface ScriptedAgent {
  readonly node: NodeRecord;
  /** Its registry: service name → what it holds. */
  readonly services: Map<string, HeldService>;
  /** Edge routes it serves (an edge node): hostname → route. */
  readonly edgeRoutes: Map<string, EdgeRoute>;
  /** Every call, in arrival order: `<Method> <service>` (edge RPCs: `<Method> <hostname>`). */
  readonly calls: string[];
  /** The next `times` calls of `method` (local name, e.g. "setupEdgeRoute") fail with `error` (and are not recorded in `calls`). */
  failNext(method: keyof AgentScript, error: ConnectError, times?: number): void;
  /** Stops the server: from then on its address refuses connections. */
  stop(): Promise<void>;
}

/** Wraps every handler so that queued failures are thrown before the handler runs. */
function withFailures(script: AgentScript, failures: Map<string, ConnectError[]>): AgentScript {
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(script)) {
    wrapped[name] = (...args: unknown[]) => {
      const next = failures.get(name)?.shift();
      if (next !== undefined) throw next;
      return (handler as (...params: unknown[]) => unknown)(...args);
    };
  }
  return wrapped as AgentScript;
}

function serviceInfoOf(name: string, held: HeldService): ServiceInfo {
  const desired = held.active ? 'running' : 'stopped';
  const observed = held.running ? 'running' : held.active ? 'exited' : 'missing';
  return create(ServiceInfoSchema, {
    name,
    active: held.active,
    spec: held.spec,
    components: held.spec.components.map((component) =>
      create(ComponentInfoSchema, {
        name: component.name,
        image: component.image,
        version: component.image.split(':').at(-1) ?? '',
        runtime: component.runtime === '' ? 'container' : component.runtime,
        desiredState: desired,
        observedState: observed,
        drift: desired === 'running' ? observed !== 'running' : observed === 'running',
        instanceName: `${name}-${component.name}`,
        ...(held.running ? { uptime: durationFromMs(60_000) } : {}),
      }),
    ),
  });
}

/** The behaviour of a healthy agent over an in-memory registry; a script overrides single methods. */
/** The certificate expiry a scripted edge answers (RFC 3339, as the agent's EdgeRoute carries it). */
export const SCRIPTED_CERT_EXPIRES = '2025-04-01T00:00:00.000Z';

function simulatedAgent(services: Map<string, HeldService>, edgeRoutes: Map<string, EdgeRoute>, calls: string[]): AgentScript {
  const list = () => [...services.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, held]) => serviceInfoOf(name, held));
  return {
    deploy(request) {
      const spec = request.service;
      if (spec === undefined) throw new ConnectError('service: is missing', Code.InvalidArgument);
      calls.push(`Deploy ${spec.name}`);
      services.set(spec.name, { spec, active: spec.active, running: spec.active });
      const targets = spec.components.filter((component) => request.component === '' || component.name === request.component);
      const results = targets.map((component) =>
        create(ComponentResultSchema, {
          name: component.name,
          success: true,
          status: ResultStatus.OK,
          steps: [create(StepResultSchema, { step: 'container', success: true, status: ResultStatus.OK, detail: 'started' })],
        }),
      );
      return create(DeployResponseSchema, { results, success: true });
    },
    undeployService(request) {
      calls.push(`UndeployService ${request.service}`);
      const held = services.get(request.service);
      if (held === undefined) throw new ConnectError(`service "${request.service}" not found`, Code.NotFound);
      held.active = false;
      held.running = false;
      const results = held.spec.components.map((component) =>
        create(ComponentResultSchema, { name: component.name, success: true, status: ResultStatus.OK }),
      );
      return create(UndeployServiceResponseSchema, { results, success: true });
    },
    listServices() {
      calls.push('ListServices');
      return create(ListServicesResponseSchema, { services: list() });
    },
    getServiceStatus(request) {
      calls.push(`GetServiceStatus ${request.service}`);
      return create(GetServiceStatusResponseSchema, { services: list() });
    },
    setupEdgeRoute(request) {
      calls.push(`SetupEdgeRoute ${request.hostname}`);
      if (!request.backendTls) throw new ConnectError('backend_tls: must be true', Code.InvalidArgument);
      const route = create(EdgeRouteSchema, {
        hostname: request.hostname,
        backendHostname: request.backendHostname,
        backendPort: request.backendPort,
        service: request.service,
        certSerial: '01',
        certExpires: SCRIPTED_CERT_EXPIRES,
        backendAddress: '100.64.0.2',
        listenerPort: 443,
      });
      edgeRoutes.set(request.hostname, route);
      return create(SetupEdgeRouteResponseSchema, { route, steps: [] });
    },
    removeEdgeRoute(request) {
      calls.push(`RemoveEdgeRoute ${request.hostname}`);
      if (!edgeRoutes.delete(request.hostname)) throw new ConnectError(`edge route ${request.hostname} not found`, Code.NotFound);
      return create(RemoveEdgeRouteResponseSchema, {});
    },
    listEdgeRoutes() {
      calls.push('ListEdgeRoutes');
      const routes = [...edgeRoutes.values()].sort((a, b) => (a.hostname < b.hostname ? -1 : 1));
      return create(ListEdgeRoutesResponseSchema, { routes });
    },
  };
}

export interface LogCapture {
  readonly log: MasterLog;
  lines(): Record<string, unknown>[];
}

export function captureLog(): LogCapture {
  const chunks: string[] = [];
  const log = pino({ level: 'debug' }, { write: (chunk: string) => void chunks.push(chunk) });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export interface FleetTestBed {
  readonly deps: MasterDeps;
  readonly store: TempMasterStore;
  readonly logs: LogCapture;
  /** Starts a scripted agent and registers its node (healthy worker unless overridden). */
  startAgent(node: Partial<NodeRecord> & { name: string }, script?: AgentScript): Promise<ScriptedAgent>;
  /** Registers a node whose address refuses connections (nothing listens there). */
  addDeadNode(node: Partial<NodeRecord> & { name: string }): Promise<NodeRecord>;
  /** Registers a node whose address accepts TCP connections and then never says a word (a hung machine). */
  addSilentNode(node: Partial<NodeRecord> & { name: string }): Promise<NodeRecord>;
  close(): Promise<void>;
}

export interface FleetTestBedOptions {
  readonly agentTimeoutMs?: number;
}

/** A port that was free a moment ago and on which nothing listens now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** One per test file (beforeAll): it makes a CA and a server certificate with openssl. */
export async function startFleetTestBed(options: FleetTestBedOptions = {}): Promise<FleetTestBed> {
  const store = openTempMasterStore();
  const dir = store.path.replace(/\/master\.db$/, '');
  const authority = await createCertificateAuthority({ dir, commonName: 'fleet test CA' });
  const leaf = await issueCertificate({ authority, dir, name: 'agent', commonName: 'agent', altNames: ['127.0.0.1', 'localhost'] });
  const serverTls: SecureServerOptions = await serverTlsOptions({ certPath: leaf.chainPath, keyPath: leaf.keyPath });
  const clientTls: SecureClientSessionOptions = await clientTlsOptions({ caPath: authority.certPath });
  const clients = new Map<string, AgentClient>();
  const agents: AgentClients = {
    forAddress(address) {
      let client = clients.get(address);
      if (client === undefined) {
        client = createClient(McpAgentService, createGrpcClientTransport({ address, tls: clientTls, token: () => 'master-test-token' }));
        clients.set(address, client);
      }
      return client;
    },
    close: () => clients.clear(),
  };
  const logs = captureLog();
  const servers: RunningServer[] = [];
  const silentServers: Server[] = [];
  const sockets = new Set<Socket>();
  const deps: MasterDeps = {
    store: store.store,
    agents,
    clock: store.clock,
    log: logs.log,
    agentTimeoutMs: options.agentTimeoutMs ?? 2000,
    version: '0.0.0-test',
  };
  const register = (node: Partial<NodeRecord> & { name: string }, address: string): NodeRecord => {
    const record = sampleNode({ status: 'healthy', ...node, address });
    store.store.upsertNode(record);
    return record;
  };
  return {
    deps,
    store,
    logs,
    async startAgent(node, script = {}) {
      const services = new Map<string, HeldService>();
      const edgeRoutes = new Map<string, EdgeRoute>();
      const calls: string[] = [];
      const failures = new Map<string, ConnectError[]>();
      const server = await startGrpcServer({
        host: '127.0.0.1',
        port: 0,
        tls: serverTls,
        interceptors: [],
        routes: (router) => router.service(McpAgentService, withFailures({ ...simulatedAgent(services, edgeRoutes, calls), ...script }, failures)),
      });
      servers.push(server);
      const failNext = (method: keyof AgentScript, error: ConnectError, times = 1) =>
        failures.set(method, [...(failures.get(method) ?? []), ...Array.from({ length: times }, () => error)]);
      return { node: register(node, `127.0.0.1:${server.port}`), services, edgeRoutes, calls, failNext, stop: () => server.close() };
    },
    async addDeadNode(node) {
      return register(node, `127.0.0.1:${await closedPort()}`);
    },
    async addSilentNode(node) {
      const silent = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentServers.push(silent);
      return register(node, `127.0.0.1:${(silent.address() as AddressInfo).port}`);
    },
    async close() {
      agents.close();
      for (const socket of sockets) socket.destroy();
      await Promise.all(silentServers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      await Promise.all(servers.splice(0).map((server) => server.close()));
      store.cleanup();
    },
  };
}

export interface SpecOptions {
  readonly tier?: 'core' | 'worker';
  readonly node?: string;
  readonly image?: string;
  readonly active?: boolean;
  /** Component names (one container each, image `image`); default one component "api". */
  readonly components?: readonly string[];
  readonly unikernel?: boolean;
  /** Public hostnames: one public l7 route each on the first component. */
  readonly publicHostnames?: readonly string[];
}

/** A valid service definition on the wire, as `mcp` would send it. */
export function specOf(name: string, options: SpecOptions = {}): ServiceSpec {
  const image = options.image ?? `registry.example.net/${name}:v1`;
  const routes = (options.publicHostnames ?? []).map((hostname, index) => ({
    name: `public-${index}`,
    port: 443,
    mode: 'l7',
    hostname,
    public: true,
  }));
  return create(ServiceSpecSchema, {
    name,
    active: options.active ?? true,
    tier: options.node === undefined ? (options.tier ?? 'worker') : '',
    node: options.node ?? '',
    components: (options.components ?? ['api']).map((component, index) => ({
      name: component,
      image,
      ...(options.unikernel === true ? { runtime: 'unikernel', memoryMb: 256 } : { runtime: 'container' }),
      vcpus: 1,
      routes: index === 0 ? routes : [],
    })),
  });
}
