// A simulated agent for the fleet benchmark: the part of McpAgentService the master calls (Deploy, UndeployService,
// GetServiceStatus, ListServices, NodeStatus, HealthCheck) over an in-memory registry. It stands in for mcp-agent
// only where a thousand real ones cannot run: the master's side of every call is real, the agent's is not.
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import {
  ComponentInfoSchema,
  ComponentResultSchema,
  DeployResponseSchema,
  GetServiceStatusResponseSchema,
  HealthCheckResponseSchema,
  ListServicesResponseSchema,
  NodeStatusResponseSchema,
  ResultStatus,
  RouteBindingSchema,
  ServiceInfoSchema,
  StepResultSchema,
  UndeployServiceResponseSchema,
  type McpAgentService,
  type ServiceInfo,
  type ServiceSpec,
} from '@mcp/proto';

export type SimulatedAgentHandlers = Partial<ServiceImpl<typeof McpAgentService>>;

/** What the simulated registry keeps of a service: its definition, desired state and when it last started. */
interface HeldService {
  readonly spec: ServiceSpec;
  active: boolean;
  startedAt: Date;
}

export interface SimulatedAgent {
  readonly node: string;
  /** Containers it "runs" (active services' components), as its heartbeats report them. */
  runningContainers(): number;
  readonly handlers: SimulatedAgentHandlers;
}

/** Ports handed to routes, as the agent's allocator would (the master only shows them). */
const FIRST_HOST_PORT = 20_000;

function serviceInfoOf(name: string, held: HeldService, now: Date): ServiceInfo {
  const observed = held.active ? 'running' : 'missing';
  return create(ServiceInfoSchema, {
    name,
    active: held.active,
    spec: held.spec,
    updatedAt: timestampFromDate(held.startedAt),
    components: held.spec.components.map((component, index) =>
      create(ComponentInfoSchema, {
        name: component.name,
        image: component.image,
        version: component.image.includes(':') ? (component.image.split(':').at(-1) ?? '') : '',
        runtime: component.runtime === '' ? 'container' : component.runtime,
        desiredState: held.active ? 'running' : 'stopped',
        observedState: observed,
        drift: false,
        instanceName: `${name}-${component.name}`,
        routes: component.routes.map((route, routeIndex) =>
          create(RouteBindingSchema, { route, hostPort: FIRST_HOST_PORT + index * 10 + routeIndex }),
        ),
        ...(held.active ? { uptime: durationFromMs(now.getTime() - held.startedAt.getTime()) } : {}),
      }),
    ),
  });
}

/** One simulated agent; `address` is what it reports in NodeStatus (the port it serves on). */
export function createSimulatedAgent(node: string, address: () => string): SimulatedAgent {
  const services = new Map<string, HeldService>();
  const startedAt = new Date();
  const sorted = (): [string, HeldService][] => [...services.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const list = (): ServiceInfo[] => {
    const now = new Date();
    return sorted().map(([name, held]) => serviceInfoOf(name, held, now));
  };
  const runningContainers = (): number =>
    [...services.values()].reduce((count, held) => count + (held.active ? held.spec.components.length : 0), 0);
  const handlers: SimulatedAgentHandlers = {
    deploy(request) {
      const spec = request.service;
      if (spec === undefined) throw new ConnectError('service: is missing', Code.InvalidArgument);
      services.set(spec.name, { spec, active: spec.active, startedAt: new Date() });
      const results = spec.components.map((component) =>
        create(ComponentResultSchema, {
          name: component.name,
          success: true,
          status: ResultStatus.OK,
          steps: [create(StepResultSchema, { step: 'container', success: true, status: ResultStatus.OK, detail: 'started (simulated)' })],
        }),
      );
      return create(DeployResponseSchema, { results, success: true });
    },
    undeployService(request) {
      const held = services.get(request.service);
      if (held === undefined) throw new ConnectError(`service "${request.service}" not found on node ${node}`, Code.NotFound);
      held.active = false;
      const results = held.spec.components.map((component) => create(ComponentResultSchema, { name: component.name, success: true, status: ResultStatus.OK }));
      return create(UndeployServiceResponseSchema, { results, success: true });
    },
    getServiceStatus(request) {
      const all = list();
      const services = request.service === '' ? all : all.filter((info) => info.name === request.service);
      if (request.service !== '' && services.length === 0) {
        throw new ConnectError(`service "${request.service}" not found on node ${node}`, Code.NotFound);
      }
      return create(GetServiceStatusResponseSchema, { services });
    },
    listServices: () => create(ListServicesResponseSchema, { services: list() }),
    nodeStatus: () =>
      create(NodeStatusResponseSchema, {
        node,
        role: 'worker',
        agentVersion: '0.0.0-simulated',
        capabilities: ['Deploy', 'UndeployService', 'GetServiceStatus', 'ListServices', 'NodeStatus', 'HealthCheck'],
        startedAt: timestampFromDate(startedAt),
        uptime: durationFromMs(Date.now() - startedAt.getTime()),
        address: address(),
      }),
    healthCheck: () => create(HealthCheckResponseSchema, { status: 'healthy', containers: runningContainers() }),
  };
  return { node, runningContainers, handlers };
}
