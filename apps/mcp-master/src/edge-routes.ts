// The master's side of edge routing (SPEC §6, §7): which edge node serves a public route, the edge's
// SetupEdgeRoute/RemoveEdgeRoute calls, and the edge_routes records (desired state) they keep in step.
//
// Decision: a route is recorded BEFORE its edge is asked and stays recorded when the edge fails, so that the
// start-up reconciliation and `mcp edge status` report it missing and `mcp deploy` / `mcp sync` set it up again.
import { Code, ConnectError } from '@connectrpc/connect';
import { absoluteName } from '@mcp/dns';
import { ResultStatus, type EdgeRoute, type StepResult } from '@mcp/proto';
import type { ServiceDefinition } from '@mcp/servicedef';
import { agentName, askEveryAgent, isUnreachable, type AgentAnswer } from './agent-calls.js';
import type { EdgeRouteRecord, MasterDeps, NodeRecord } from './deps.js';
import { chooseEdgeNode, publicRoutesOf, type PublicRoute } from './public-routes.js';
import { callErrorText, stepFailed, stepOk, stepSkipped } from './step-results.js';

export const NO_ALLOWED_DOMAINS =
  'the master has no [edge] allowed_domains configured, so no public route is set up (list the public domains there to publish it)';

/** The step name of one public route. */
export function edgeStepName(hostname: string): string {
  return `edge_route ${hostname}`;
}

/** The internal name the edge reaches the service by: the service's DNS record `<service>.<zone>` (the master's zone). */
export function backendHostnameOf(deps: Pick<MasterDeps, 'dns'>, service: string): string | undefined {
  return deps.dns === undefined ? undefined : absoluteName(service, deps.dns.driver.zone).replace(/\.$/, '');
}

/** `edge_route` summary of the per-route steps (MasterDeployResponse.edge_route_result). */
export function edgeSummary(steps: readonly StepResult[], none = 'no public routes'): StepResult {
  if (steps.length === 0) return stepSkipped('edge_route', none);
  const failed = steps.filter((step) => step.status === ResultStatus.FAILED);
  if (failed.length > 0) return stepFailed('edge_route', failed.map((step) => `${step.step.replace(/^edge_route /, '')}: ${step.error}`).join('; '));
  if (steps.every((step) => step.status === ResultStatus.SKIPPED)) return stepSkipped('edge_route', steps.map((step) => step.detail).join('; '));
  return stepOk('edge_route', steps.map((step) => `${step.step.replace(/^edge_route /, '')}: ${step.detail}`).join('; '));
}

function certExpiryOf(route: EdgeRoute | undefined): Date | undefined {
  if (route === undefined || route.certExpires === '') return undefined;
  const at = new Date(route.certExpires);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function unanswered(node: NodeRecord, error: unknown): string {
  const connectError = ConnectError.from(error);
  if (connectError.code === Code.DeadlineExceeded) return `${agentName(node)} did not answer in time (${connectError.rawMessage})`;
  if (isUnreachable(error)) return `${agentName(node)} is unreachable (${connectError.rawMessage})`;
  return `${agentName(node)} refused: ${callErrorText(error)}`;
}

/**
 * Asks the record's edge node to set the route up (again: SetupEdgeRoute is idempotent on the edge) and keeps
 * the certificate expiry it answers. A failure leaves the record as it was: the route is wanted, and missing.
 */
export async function setUpRecordedRoute(deps: MasterDeps, record: EdgeRouteRecord, timeoutMs: number): Promise<StepResult> {
  const step = edgeStepName(record.hostname);
  const node = deps.store.findNode(record.edgeNode);
  if (node === undefined) return stepFailed(step, `edge node ${record.edgeNode} is not registered`);
  try {
    const answer = await deps.agents.forAddress(node.address).setupEdgeRoute(
      { hostname: record.hostname, backendHostname: record.backendHostname, backendPort: record.backendPort, backendTls: true, service: record.service },
      { timeoutMs },
    );
    const certExpiresAt = certExpiryOf(answer.route);
    deps.store.putEdgeRoute({ ...record, ...(certExpiresAt === undefined ? {} : { certExpiresAt }) });
    const expiry = certExpiresAt === undefined ? '' : `, certificate expires ${certExpiresAt.toISOString()}`;
    return stepOk(step, `on edge node ${node.name}: https://${record.hostname} → ${record.backendHostname}:${record.backendPort} (re-encrypted)${expiry}`);
  } catch (error) {
    return stepFailed(
      step,
      `on edge node ${node.name}: ${unanswered(node, error)}; the route stays recorded as wanted: deploy or sync again to set it up`,
    );
  }
}

/** The edge route of `hostname` is wanted by another service: refused before anything is changed. */
export function hostnameConflicts(deps: MasterDeps, definition: ServiceDefinition, field: string): string[] {
  return publicRoutesOf(definition).flatMap((route) => {
    const owner = deps.store.findEdgeRoute(route.hostname);
    if (owner === undefined || owner.service === definition.name) return [];
    return [
      `${field}.components[${route.componentIndex}].routes[${route.routeIndex}].hostname: ${route.hostname} is already the public name ` +
        `of service ${owner.service} (on edge node ${owner.edgeNode}); expected a hostname no other service uses (undeploy ${owner.service} first)`,
    ];
  });
}

async function removeFromEdge(deps: MasterDeps, record: EdgeRouteRecord, timeoutMs: number, why: string): Promise<StepResult> {
  const step = edgeStepName(record.hostname);
  const node = deps.store.findNode(record.edgeNode);
  if (node === undefined) {
    deps.store.deleteEdgeRoute(record.hostname);
    return stepSkipped(step, `edge node ${record.edgeNode} is not registered any more: record deleted, no edge to ask`);
  }
  try {
    await deps.agents.forAddress(node.address).removeEdgeRoute({ hostname: record.hostname }, { timeoutMs });
  } catch (error) {
    if (ConnectError.from(error).code !== Code.NotFound) {
      return stepFailed(step, `not removed from edge node ${node.name}: ${unanswered(node, error)}; the record is kept so that a retry removes it`);
    }
    deps.store.deleteEdgeRoute(record.hostname);
    return stepOk(step, `edge node ${node.name} did not have it (${why}); record deleted`);
  }
  deps.store.deleteEdgeRoute(record.hostname);
  return stepOk(step, `removed from edge node ${node.name} (${why}), with its certificate`);
}

/** Removes every recorded route of the service from its edge (undeploy); `done` when none is left recorded. */
export async function removeServiceEdgeRoutes(
  deps: MasterDeps,
  service: string,
  timeoutMs: number,
): Promise<{ steps: StepResult[]; done: boolean }> {
  const steps: StepResult[] = [];
  for (const record of deps.store.listEdgeRoutes(service)) steps.push(await removeFromEdge(deps, record, timeoutMs, `service ${service} undeployed`));
  return { steps, done: deps.store.listEdgeRoutes(service).length === 0 };
}

function planRecord(deps: MasterDeps, service: string, route: PublicRoute, backendHostname: string): EdgeRouteRecord | string {
  const existing = deps.store.findEdgeRoute(route.hostname);
  const nodes = deps.store.listNodes();
  const current = existing === undefined ? undefined : nodes.find((node) => node.name === existing.edgeNode);
  // A route stays on its edge node while that node is healthy; otherwise (or when new) the least loaded edge takes it.
  const others = deps.store.listEdgeRoutes().filter((record) => record.hostname !== route.hostname);
  const edge = current?.status === 'healthy' ? current : chooseEdgeNode(nodes, others);
  if (edge === undefined) {
    const edges = nodes.filter((node) => node.role === 'edge').map((node) => `${node.name} (${node.status})`);
    return `no healthy edge node can serve it (edge nodes: ${edges.length === 0 ? 'none registered' : edges.join(', ')})`;
  }
  const sameNode = existing?.edgeNode === edge.name;
  return {
    hostname: route.hostname,
    service,
    edgeNode: edge.name,
    backendHostname,
    backendPort: route.port,
    ...(sameNode && existing.certExpiresAt !== undefined ? { certExpiresAt: existing.certExpiresAt } : {}),
    createdAt: existing?.createdAt ?? deps.clock.now(),
  };
}

export interface EdgeSetupOptions {
  readonly allowedPublicDomains: readonly string[];
  readonly timeoutMs: number;
}

/**
 * Brings the service's public routes on the edge in line with its definition (deploy, sync): routes no longer
 * public are removed from their edge and forgotten; each public route is recorded on its edge node and set up
 * there. One step per hostname, in definition order (removals first).
 */
export async function setUpServiceEdgeRoutes(deps: MasterDeps, definition: ServiceDefinition, options: EdgeSetupOptions): Promise<StepResult[]> {
  const routes = publicRoutesOf(definition);
  const wanted = new Set(routes.map((route) => route.hostname));
  const steps: StepResult[] = [];
  for (const record of deps.store.listEdgeRoutes(definition.name).filter((record) => !wanted.has(record.hostname))) {
    steps.push(await removeFromEdge(deps, record, options.timeoutMs, 'no longer a public route of the service'));
  }
  for (const route of routes) {
    const step = edgeStepName(route.hostname);
    if (options.allowedPublicDomains.length === 0) {
      steps.push(stepSkipped(step, `${NO_ALLOWED_DOMAINS}: ${route.hostname} (component ${route.component}, port ${route.port})`));
      continue;
    }
    const backendHostname = backendHostnameOf(deps, definition.name);
    if (backendHostname === undefined) {
      steps.push(stepFailed(step, `the master has no [dns] configured: the edge reaches the service by its internal name <service>.<zone>, and there is no zone`));
      continue;
    }
    const planned = planRecord(deps, definition.name, route, backendHostname);
    if (typeof planned === 'string') {
      steps.push(stepFailed(step, planned));
      continue;
    }
    const previous = deps.store.findEdgeRoute(route.hostname);
    if (previous !== undefined && previous.edgeNode !== planned.edgeNode) {
      // Its edge node is not healthy: the route moves; the old edge's copy is removed when it answers, else reported.
      const removal = await removeFromEdge(deps, previous, options.timeoutMs, `moved to edge node ${planned.edgeNode}`);
      if (removal.status === ResultStatus.FAILED) deps.store.deleteEdgeRoute(previous.hostname);
    }
    deps.store.putEdgeRoute(planned);
    steps.push(await setUpRecordedRoute(deps, planned, options.timeoutMs));
  }
  return steps;
}

/** Sets the service's recorded routes up again (migrate: the edge resolves the internal name anew). */
export async function refreshServiceEdgeRoutes(deps: MasterDeps, service: string, timeoutMs: number): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  for (const record of deps.store.listEdgeRoutes(service)) steps.push(await setUpRecordedRoute(deps, record, timeoutMs));
  return steps;
}

/** The nodes whose edge routes are looked at: every edge node, and any other node a route is recorded on. */
export function edgeNodesOf(nodes: readonly NodeRecord[], records: readonly EdgeRouteRecord[]): NodeRecord[] {
  const named = new Set(records.map((record) => record.edgeNode));
  return nodes.filter((node) => node.role === 'edge' || named.has(node.name));
}

/** Each edge node's ListEdgeRoutes, all at once, each for at most `agentTimeoutMs` (askEveryAgent). */
export function askEdgeNodes(
  deps: MasterDeps,
  nodes: readonly NodeRecord[],
  records: readonly EdgeRouteRecord[],
): Promise<AgentAnswer<readonly EdgeRoute[]>[]> {
  return askEveryAgent(deps, edgeNodesOf(nodes, records), async (client, options) => (await client.listEdgeRoutes({}, options)).routes);
}
