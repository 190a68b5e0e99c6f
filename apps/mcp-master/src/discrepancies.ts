// What the placements and the agents' registries disagree on: stale placements, orphans, unreachable nodes (pure).
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DiscrepancyKind, DiscrepancySchema, type Discrepancy, type ServiceInfo } from '@mcp/proto';
import type { AgentAnswer } from './agent-calls.js';
import type { PlacementRecord } from './deps.js';

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
 * node has no such service, or it is desired running and nothing of it runs, or the node is not registered) and
 * orphans (present on a node where it is not placed).
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
  return found.sort(compare);
}
