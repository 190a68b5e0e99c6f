// Reconciliation at start-up (SPEC §6): probe every known node (and every edge node's routes), report what disagrees
// with the records; change nothing.
import { DiscrepancyKind, type Discrepancy, type ServiceInfo } from '@mcp/proto';
import { askEveryAgent } from './agent-calls.js';
import type { MasterDeps } from './deps.js';
import { findDiscrepancies } from './discrepancies.js';
import { askEdgeNodes } from './edge-routes.js';

export interface ReconciledNode {
  readonly name: string;
  readonly address: string;
  readonly reachable: boolean;
  /** Services in its agent's registry; 0 when unreachable. */
  readonly services: number;
  /** Why it could not be asked; "" when reachable. */
  readonly error: string;
}

export interface ReconcileReport {
  readonly checkedAt: Date;
  readonly nodes: readonly ReconciledNode[];
  readonly placements: number;
  /** Stale placements, orphans, missing edge routes and unreachable nodes; reported only, never acted on. */
  readonly discrepancies: readonly Discrepancy[];
  /** Checks SPEC §6 asks for that this version cannot make yet, with the reason. */
  readonly notChecked: readonly string[];
}

export const NOT_CHECKED: readonly string[] = [
  'stale snapshots: not checked in this version (the snapshot catalogue is not in this version)',
];

const kindNames: Record<DiscrepancyKind, string> = {
  [DiscrepancyKind.UNSPECIFIED]: 'unspecified',
  [DiscrepancyKind.STALE_PLACEMENT]: 'stale-placement',
  [DiscrepancyKind.ORPHAN]: 'orphan',
  [DiscrepancyKind.MISSING_EDGE_ROUTE]: 'missing-edge-route',
  [DiscrepancyKind.STALE_SNAPSHOT]: 'stale-snapshot',
  [DiscrepancyKind.UNREACHABLE_NODE]: 'unreachable-node',
};

/**
 * Asks every registered node's agent for its registry (ListServices, all at once, each for at most
 * `agentTimeoutMs`), logs every discrepancy as a warning and a summary, and returns the report. It never deploys,
 * undeploys or deletes anything: the operator decides (mcp deploy, mcp undeploy, or the agent's own tools).
 */
export async function reconcileFleet(deps: MasterDeps): Promise<ReconcileReport> {
  const log = deps.log.child({ task: 'reconcile' });
  const nodes = deps.store.listNodes();
  const placements = deps.store.listPlacements();
  const edgeRoutes = deps.store.listEdgeRoutes();
  const [answers, edgeAnswers] = await Promise.all([
    askEveryAgent(deps, nodes, async (client, options) => {
      const answer = await client.listServices({}, options);
      return answer.services as readonly ServiceInfo[];
    }),
    askEdgeNodes(deps, nodes, edgeRoutes),
  ]);
  const checkedAt = deps.clock.now();
  const discrepancies = findDiscrepancies({ placements, answers, now: checkedAt, edgeRoutes, edgeAnswers });
  for (const discrepancy of discrepancies) {
    log.warn(
      { kind: kindNames[discrepancy.kind], service: discrepancy.serviceName, node: discrepancy.node },
      discrepancy.message,
    );
  }
  const report: ReconcileReport = {
    checkedAt,
    nodes: answers.map((answer) => ({
      name: answer.node.name,
      address: answer.node.address,
      reachable: answer.ok,
      services: answer.ok ? answer.value.length : 0,
      error: answer.ok ? '' : answer.error,
    })),
    placements: placements.length,
    discrepancies,
    notChecked: NOT_CHECKED,
  };
  log.info(
    {
      nodes: nodes.length,
      unreachable: report.nodes.filter((node) => !node.reachable).map((node) => node.name),
      placements: placements.length,
      discrepancies: discrepancies.length,
      notChecked: NOT_CHECKED,
    },
    discrepancies.length === 0 ? 'reconciliation found nothing to report' : 'reconciliation found discrepancies (reported, not acted on)',
  );
  return report;
}
