// Whether a node may take a service, and if not, why: cheap codes first, sentences only when reported.
import type { NodeSnapshot, ServiceToPlace } from './types.js';

/** What the service asks of a node: exactly that node (pinned), the master (core) or a worker. */
export type Wanted = 'pinned' | 'core' | 'worker';

export type NodeProblem =
  | 'edge-node'
  | 'not-master'
  | 'master-takes-core-only'
  | 'unhealthy'
  | 'health-unknown'
  | 'cannot-run-vms'
  | 'tcg-not-allowed';

// Shared answers for the common cases keep a scan over many nodes free of allocations.
const NO_PROBLEMS: readonly NodeProblem[] = [];
const EDGE: readonly NodeProblem[] = ['edge-node'];
const NOT_MASTER: readonly NodeProblem[] = ['not-master'];
const MASTER_TAKES_CORE_ONLY: readonly NodeProblem[] = ['master-takes-core-only'];

export function wantedBy(service: ServiceToPlace): Wanted {
  if (service.node !== undefined) return 'pinned';
  return service.tier === 'core' ? 'core' : 'worker';
}

/**
 * Every problem that keeps the node from taking the service. A wrong role is reported alone:
 * health and VMs do not matter on a node that could never take the service.
 */
export function nodeProblems(node: NodeSnapshot, service: ServiceToPlace, wanted: Wanted, allowTcgVms: boolean): readonly NodeProblem[] {
  if (node.role === 'edge') return EDGE;
  if (wanted === 'core' && node.role !== 'master') return NOT_MASTER;
  if (wanted === 'worker' && node.role !== 'worker') return MASTER_TAKES_CORE_ONLY;
  const healthy = node.status === 'healthy';
  const vmsOk = !service.needsVms || node.vms === 'kvm' || (node.vms === 'tcg' && allowTcgVms);
  if (healthy && vmsOk) return NO_PROBLEMS;
  const problems: NodeProblem[] = [];
  if (node.status === 'unhealthy') problems.push('unhealthy');
  if (node.status === 'unknown') problems.push('health-unknown');
  if (!vmsOk) problems.push(node.vms === 'tcg' ? 'tcg-not-allowed' : 'cannot-run-vms');
  return problems;
}

/** A VM service goes to a node with KVM before one with TCG alone (0 before 1); other services rank all alike. */
export function vmRank(node: NodeSnapshot, service: ServiceToPlace): number {
  return service.needsVms && node.vms !== 'kvm' ? 1 : 0;
}

function describeProblem(problem: NodeProblem, node: NodeSnapshot, service: ServiceToPlace): string {
  switch (problem) {
    case 'edge-node':
      return `node ${node.name} is an edge node; edge nodes take no placements`;
    case 'not-master':
      return `node ${node.name} is a ${node.role} node; core-tier services run on the master node`;
    case 'master-takes-core-only':
      return `node ${node.name} is the master node; it takes only core-tier services and services pinned to it`;
    case 'unhealthy':
      return `node ${node.name} is unhealthy`;
    case 'health-unknown':
      return `node ${node.name} has not reported its health yet`;
    case 'cannot-run-vms':
      return `node ${node.name} cannot run VMs, and service ${service.name} has a unikernel component`;
    case 'tcg-not-allowed':
      return (
        `node ${node.name} runs VMs under TCG only (no KVM), which the master allows only with [placement] allow_tcg_vms = true, ` +
        `and service ${service.name} has a unikernel component`
      );
  }
}

export function describeProblems(
  problems: readonly NodeProblem[],
  node: NodeSnapshot,
  service: ServiceToPlace,
): string {
  return problems.map((problem) => describeProblem(problem, node, service)).join('; ');
}

/** The reason the node cannot take the service, or undefined when it can. */
export function rejectionReason(node: NodeSnapshot, service: ServiceToPlace, wanted: Wanted, allowTcgVms: boolean): string | undefined {
  const problems = nodeProblems(node, service, wanted, allowTcgVms);
  return problems.length === 0 ? undefined : describeProblems(problems, node, service);
}
