// Master Status (SPEC §6): placements joined with one answer per agent, asked in parallel with a timeout.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ComponentInfoSchema,
  EdgeRouteStatusSchema,
  RouteBindingSchema,
  ServiceStatusSchema,
  StatusResponseSchema,
  type ComponentInfo,
  type EdgeRoute,
  type EdgeRouteStatus,
  type ServiceInfo,
  type ServiceStatus,
  type StatusResponse,
} from '@mcp/proto';
import { containerName } from '@mcp/runtime';
import { definitionFromProto, parseImageReference } from '@mcp/servicedef';
import { askEveryAgent, type AgentAnswer } from './agent-calls.js';
import type { EdgeRouteRecord, MasterDeps, PlacementRecord } from './deps.js';
import { edgeRouteProblem, findDiscrepancies } from './discrepancies.js';
import { askEdgeNodes } from './edge-routes.js';
import { FleetError } from './fleet-errors.js';
import { checkServiceName } from './spec-input.js';

/** "running", "stopped" or "degraded" (some component not as desired) from what the hosting agent reports. */
export function serviceStateOf(info: ServiceInfo): 'running' | 'stopped' | 'degraded' {
  if (info.components.some((component) => component.drift)) return 'degraded';
  return info.components.some((component) => component.observedState === 'running') ? 'running' : 'stopped';
}

/** The master's last knowledge of the components (the deployed definition), when the agent cannot say. */
function componentsFromSpec(placement: PlacementRecord): ComponentInfo[] {
  const definition = definitionFromProto(placement.spec);
  return definition.components.map((component) =>
    create(ComponentInfoSchema, {
      name: component.name,
      image: component.image,
      version: parseImageReference(component.image)?.tag ?? '',
      runtime: component.runtime,
      desiredState: definition.active ? 'running' : 'stopped',
      observedState: 'unknown',
      instanceName: containerName(definition.name, component.name),
      routes: component.routes.map((route) =>
        create(RouteBindingSchema, {
          route: { name: route.name, port: route.port, mode: route.mode, hostname: route.hostname ?? '', public: route.public },
          hostPort: 0,
        }),
      ),
    }),
  );
}

export type EdgeAnswer = AgentAnswer<readonly EdgeRoute[]>;

/**
 * A recorded edge route as its edge node serves it: state "ok" (served as recorded), "missing" (the edge answered
 * without it, or with another backend) or "unknown" (the edge did not answer); the certificate expiry the edge
 * reports, else the one recorded at the last successful setup.
 */
export function edgeRouteStatusOf(record: EdgeRouteRecord, answer: EdgeAnswer | undefined): EdgeRouteStatus {
  const served = answer?.ok === true ? answer.value.find((route) => route.hostname === record.hostname) : undefined;
  const problem = edgeRouteProblem(record, answer);
  const certExpires = served?.certExpires || (record.certExpiresAt?.toISOString() ?? '');
  const unknown = answer === undefined ? `edge node ${record.edgeNode} is not registered` : answer.ok ? '' : answer.error;
  return create(EdgeRouteStatusSchema, {
    hostname: record.hostname,
    edgeNode: record.edgeNode,
    certExpires,
    backendHostname: record.backendHostname,
    backendPort: record.backendPort,
    service: record.service,
    state: problem !== undefined ? 'missing' : unknown !== '' ? 'unknown' : 'ok',
    error: problem ?? unknown,
  });
}

function statusOfPlacement(
  placement: PlacementRecord,
  answer: AgentAnswer<readonly ServiceInfo[]> | undefined,
  edgeRoutes: readonly EdgeRouteStatus[],
): ServiceStatus {
  const base = {
    name: placement.service,
    node: placement.node,
    tier: placement.tier,
    deployedAt: timestampFromDate(placement.deployedAt),
    edgeRoutes: edgeRoutes.filter((route) => route.service === placement.service),
  };
  const fromRecords = (status: string, error: string) =>
    create(ServiceStatusSchema, { ...base, status, error, active: placement.spec.active, components: componentsFromSpec(placement) });
  if (answer === undefined) return fromRecords('unknown', `node ${placement.node} is not registered`);
  if (!answer.ok) return fromRecords('unreachable', answer.error);
  const info = answer.value.find((candidate) => candidate.name === placement.service);
  if (info === undefined) return fromRecords('unknown', `node ${placement.node} has no service ${placement.service} in its registry`);
  return create(ServiceStatusSchema, {
    ...base,
    status: serviceStateOf(info),
    active: info.active,
    components: info.components,
    drift: info.components.some((component) => component.drift),
    error: '',
  });
}

/**
 * Status of every placed service, or of one (`serviceName`). Every registered agent is asked once, all at once,
 * each for at most `agentTimeoutMs`: a dead agent's services show as unreachable instead of stalling the answer.
 * One service that is not placed → NotFound, unless some agent runs it (then only its orphan report).
 */
export async function fleetStatus(deps: MasterDeps, serviceName: string): Promise<StatusResponse> {
  const only = serviceName === '' ? undefined : checkServiceName('service_name', serviceName);
  const nodes = deps.store.listNodes();
  const placements = deps.store.listPlacements();
  const records = deps.store.listEdgeRoutes();
  const [answers, edgeAnswers] = await Promise.all([
    askEveryAgent(deps, nodes, async (client, options) => {
      const answer = await client.getServiceStatus({ service: '', eventLimit: 1 }, options);
      return answer.services as readonly ServiceInfo[];
    }),
    askEdgeNodes(deps, nodes, records),
  ]);
  const answerOf = new Map(answers.map((answer) => [answer.node.name, answer]));
  const edgeAnswerOf = new Map(edgeAnswers.map((answer) => [answer.node.name, answer]));
  const edgeRoutes = records.map((record) => edgeRouteStatusOf(record, edgeAnswerOf.get(record.edgeNode)));
  const inScope = placements.filter((placement) => only === undefined || placement.service === only);
  const services = inScope
    .map((placement) => statusOfPlacement(placement, answerOf.get(placement.node), edgeRoutes))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let discrepancies = findDiscrepancies({ placements, answers, now: deps.clock.now(), edgeRoutes: records, edgeAnswers });
  if (only !== undefined) {
    const hosting = inScope[0]?.node;
    discrepancies = discrepancies.filter((d) => d.serviceName === only || (d.serviceName === '' && d.node === hosting));
    if (services.length === 0 && discrepancies.length === 0) {
      throw new FleetError('not-found', `service ${only} is not placed and no agent reports it (mcp status lists placed services)`);
    }
  }
  return create(StatusResponseSchema, { services, discrepancies });
}
