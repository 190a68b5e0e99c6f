// What the placements and the agents' registries disagree on: stale placements, orphans, unreachable nodes (pure).
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DiscrepancyKind, DiscrepancySchema, type Discrepancy, type EdgeRoute, type ServiceInfo } from '@mcp/proto';
import type { AgentAnswer } from './agent-calls.js';
import type { EdgeRouteRecord, PlacementRecord } from './deps.js';

/** The agent reports this before it has ever seen the component in a runtime: nothing is known yet. */
const NEVER_OBSERVED = 'unknown';

/**
 * A service counts as present on a node when its agent wants it running or something of it runs. An undeployed
 * service stays in the agent's registry as inactive with nothing running; that is a record, not an orphan.
 */
export function isPresent(service: ServiceInfo): boolean {
  return service.active || service.components.some((component) => component.observedState === 'running');
}

/** Desired running, yet every component was seen and none runs. */
function isDownWhileActive(service: ServiceInfo): boolean {
  return (
    service.active &&
    service.components.length > 0 &&
    service.components.every((component) => component.observedState !== 'running' && component.observedState !== NEVER_OBSERVED)
  );
}

export interface DiscrepancyInput {
  readonly placements: readonly PlacementRecord[];
  /** One answer per registered node: its registry's services, or why it did not answer. */
  readonly answers: readonly AgentAnswer<readonly ServiceInfo[]>[];
  readonly now: Date;
  /** The master's edge route records; with `edgeAnswers`, each is checked against its edge node's list. */
  readonly edgeRoutes?: readonly EdgeRouteRecord[];
  /** One ListEdgeRoutes answer per edge node asked; a node that did not answer has its routes unjudged. */
  readonly edgeAnswers?: readonly AgentAnswer<readonly EdgeRoute[]>[];
}

/**
 * Why a recorded edge route is not served as recorded by its edge node, or undefined when it is (or when the
 * node did not answer: nothing is known then).
 */
export function edgeRouteProblem(record: EdgeRouteRecord, answer: AgentAnswer<readonly EdgeRoute[]> | undefined): string | undefined {
  if (answer === undefined || !answer.ok) return undefined;
  const served = answer.value.find((route) => route.hostname === record.hostname);
  const where = `edge route ${record.hostname} of service ${record.service} is recorded on edge node ${record.edgeNode}`;
  if (served === undefined) return `${where}, but that node does not serve it (mcp deploy or mcp sync sets it up again)`;
  if (served.backendHostname !== record.backendHostname || served.backendPort !== record.backendPort) {
    return `${where} with backend ${record.backendHostname}:${record.backendPort}, but that node serves it with ${served.backendHostname}:${served.backendPort}`;
  }
  return undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(a: Discrepancy, b: Discrepancy): number {
  const rank = (d: Discrepancy) => (d.kind === DiscrepancyKind.UNREACHABLE_NODE ? 0 : 1);
  return rank(a) - rank(b) || compareText(a.serviceName, b.serviceName) || compareText(a.node, b.node) || a.kind - b.kind;
}

/**
 * Unreachable nodes first (their services are not judged), then per service: stale placements (placed, but the
 * node has no such service, or it is desired running and nothing of it runs, or the node is not registered),
 * orphans (present on a node where it is not placed) and missing edge routes (recorded, and their edge node
 * answered without them or with another backend).
 */
export function findDiscrepancies(input: DiscrepancyInput): Discrepancy[] {
  const detectedAt = timestampFromDate(input.now);
  const found: Discrepancy[] = [];
  const add = (kind: DiscrepancyKind, serviceName: string, node: string, message: string) =>
    found.push(create(DiscrepancySchema, { kind, serviceName, node, message, detectedAt }));
  const answerOf = new Map(input.answers.map((answer) => [answer.node.name, answer]));
  const placedOn = new Map(input.placements.map((placement) => [placement.service, placement.node]));

  for (const answer of input.answers) {
    if (!answer.ok) add(DiscrepancyKind.UNREACHABLE_NODE, '', answer.node.name, answer.error);
  }
  for (const placement of input.placements) {
    const { service, node } = placement;
    const answer = answerOf.get(node);
    if (answer === undefined) {
      add(DiscrepancyKind.STALE_PLACEMENT, service, node, `service ${service} is placed on node ${node}, which is not registered`);
      continue;
    }
    if (!answer.ok) continue;
    const info = answer.value.find((candidate) => candidate.name === service);
    if (info === undefined) {
      add(DiscrepancyKind.STALE_PLACEMENT, service, node, `service ${service} is placed on node ${node}, but that node has no such service in its registry`);
    } else if (isDownWhileActive(info)) {
      const states = info.components.map((component) => `${component.name}: ${component.observedState}`).join(', ');
      add(DiscrepancyKind.STALE_PLACEMENT, service, node, `service ${service} is placed on node ${node} and desired running, but none of its components runs (${states})`);
    }
  }
  for (const answer of input.answers) {
    if (!answer.ok) continue;
    for (const info of answer.value) {
      const placed = placedOn.get(info.name);
      if (placed === answer.node.name || !isPresent(info)) continue;
      const where = placed === undefined ? 'without a placement' : `but is placed on node ${placed}`;
      add(DiscrepancyKind.ORPHAN, info.name, answer.node.name, `service ${info.name} is on node ${answer.node.name} ${where}`);
    }
  }
  const edgeAnswerOf = new Map((input.edgeAnswers ?? []).map((answer) => [answer.node.name, answer]));
  for (const record of input.edgeRoutes ?? []) {
    const problem = edgeRouteProblem(record, edgeAnswerOf.get(record.edgeNode));
    if (problem !== undefined) add(DiscrepancyKind.MISSING_EDGE_ROUTE, record.service, record.edgeNode, problem);
  }
  return found.sort(compare);
}
