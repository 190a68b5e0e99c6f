// The sync plan (pure): definitions sent + placements → deploy / redeploy / undeploy / unchanged per service.
import { planPlacements, type PlacementDecision } from '@mcp/placement';
import { definitionFromProto, describeChanges, type ServiceDefinition } from '@mcp/servicedef';
import type { NodeRecord, PlacementRecord } from './deps.js';
import { nodeSnapshotOf, placementOf, serviceToPlaceOf } from './placement-input.js';

export type SyncActionName = 'deploy' | 'redeploy' | 'undeploy' | 'unchanged';

export interface SyncPlanEntry {
  readonly service: string;
  readonly action: SyncActionName;
  /** Node it is on, or would be placed on; "" when no node can take a new service. */
  readonly node: string;
  /** Why this action, for people (`image changed: mcq:v1 -> mcq:v2 (component api)`). */
  readonly reason: string;
  /** The definition sent (absent for undeploy). */
  readonly definition?: ServiceDefinition;
}

export interface SyncPlanInput {
  /** Every definition the operator has; names are unique (the RPC refuses duplicates). */
  readonly definitions: readonly ServiceDefinition[];
  readonly placements: readonly PlacementRecord[];
  readonly nodes: readonly NodeRecord[];
  /** As FleetOptions.allowTcgVms; default false. */
  readonly allowTcgVms?: boolean;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function placementNote(decision: PlacementDecision | undefined): string {
  if (decision === undefined) return '';
  return decision.ok ? `: ${decision.reason}` : `; the deploy will be refused: ${decision.reason}`;
}

/**
 * One entry per service sent or placed, sorted by name: sent and not placed → deploy; placed and changed in
 * anything a node runs (canonical comparison with the deployed definition) → redeploy; placed and equal →
 * unchanged; placed and not sent → undeploy. Where a deploy would go is what placement decides now, placing the
 * new services in name order so that they spread as a real sync would spread them.
 */
export function planSync(input: SyncPlanInput): SyncPlanEntry[] {
  const sent = new Map(input.definitions.map((definition) => [definition.name, definition]));
  const placed = new Map(input.placements.map((placement) => [placement.service, placement]));
  const names = [...new Set([...sent.keys(), ...placed.keys()])].sort(byName);

  const changes = new Map<string, string[]>();
  for (const [name, definition] of sent) {
    const placement = placed.get(name);
    if (placement !== undefined) changes.set(name, describeChanges(definitionFromProto(placement.spec), definition));
  }
  const toPlace = names.filter((name) => sent.has(name) && (changes.get(name)?.length ?? 1) > 0);
  const plan = planPlacements({
    nodes: input.nodes.map(nodeSnapshotOf),
    placements: input.placements.map(placementOf),
    allowTcgVms: input.allowTcgVms ?? false,
    services: toPlace.flatMap((name) => {
      const definition = sent.get(name);
      return definition === undefined ? [] : [serviceToPlaceOf(definition)];
    }),
  });
  const decisions = new Map(plan.decisions.map((entry) => [entry.service, entry.decision]));

  return names.map((service): SyncPlanEntry => {
    const definition = sent.get(service);
    const placement = placed.get(service);
    if (definition === undefined) {
      return { service, action: 'undeploy', node: placement?.node ?? '', reason: `placed on node ${placement?.node ?? '?'} but absent from the definitions sent` };
    }
    const decision = decisions.get(service);
    if (placement === undefined) {
      return { service, action: 'deploy', node: decision?.ok === true ? decision.node : '', reason: `new service${placementNote(decision)}`, definition };
    }
    const changed = changes.get(service) ?? [];
    if (changed.length === 0) return { service, action: 'unchanged', node: placement.node, reason: 'definition unchanged', definition };
    // A placement on a node that left the registry holds nothing: the redeploy places the service afresh.
    const node = decision?.ok === true ? decision.node : placement.node;
    const refusal = decision?.ok === false ? placementNote(decision) : '';
    return { service, action: 'redeploy', node, reason: `${changed.join('; ')}${refusal}`, definition };
  });
}
