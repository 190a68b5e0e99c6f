// Decides the node for one service: kept where it runs, else its pin, else its tier (SPEC section 6).
import { describeProblems, nodeProblems, vmRank, wantedBy, type NodeProblem } from './eligibility.js';
import { findNode, indexFleet, type Fleet } from './fleet.js';
import type {
  NodeRejection,
  NodeSnapshot,
  PlacementAccepted,
  PlacementDecision,
  PlacementInput,
  PlacementRefused,
  ServiceToPlace,
} from './types.js';
import { validateService } from './validate-input.js';

/**
 * Chooses the node for `input.service`. "Cannot place" is a decision ({ ok: false }) with the
 * reason per node; only malformed input throws (PlacementInputError).
 */
export function placeService(input: PlacementInput): PlacementDecision {
  const fleet = indexFleet(input.nodes, input.placements, input);
  validateService(input.service, 'service');
  return decidePlacement(fleet, input.service);
}

export function decidePlacement(fleet: Fleet, service: ServiceToPlace): PlacementDecision {
  const placedOn = fleet.nodeOfService.get(service.name);
  // A placement on a node no longer in the fleet (removed) holds nothing: place afresh.
  const current = placedOn === undefined ? undefined : findNode(fleet, placedOn);
  if (current !== undefined) return keepWhereItRuns(fleet, current, service);
  if (service.node !== undefined) return placePinned(fleet, service, service.node);
  return placeByTier(fleet, service);
}

function accept(node: string, rule: PlacementAccepted['rule'], reason: string): PlacementAccepted {
  return { ok: true, node, rule, reason };
}

function refuse(reason: string, rejected: NodeRejection[]): PlacementRefused {
  return { ok: false, reason, rejected };
}

/** Deploy never moves a placed service: its data under /srv/<service>/ stays on its node. */
function keepWhereItRuns(fleet: Fleet, node: NodeSnapshot, service: ServiceToPlace): PlacementDecision {
  const s = service.name;
  const p = node.name;
  if (service.node !== undefined && service.node !== p) {
    return refuse(
      `service ${s} is placed on node ${p}, but its definition now pins it to node ${service.node}. ` +
        `Deploy does not move a placed service, because its data under /srv/${s}/ stays on node ${p}; ` +
        `run \`mcp migrate ${s} --to ${service.node}\` to move it with its data`,
      [{ node: p, reason: `node ${p} is not node ${service.node}, the node service ${s} is pinned to` }],
    );
  }
  const problems = nodeProblems(node, service, wantedBy(service), fleet.allowTcgVms);
  if (problems.length === 0) {
    return accept(p, 'existing-placement', `service ${s} is already placed on node ${p}, which can still take it`);
  }
  const reason = describeProblems(problems, node, service);
  return refuse(
    `service ${s} is placed on node ${p}, which cannot take it now: ${reason}. ` +
      `Deploy does not move a placed service, because its data under /srv/${s}/ stays on node ${p}; ` +
      remedy(service, p, problems),
    [{ node: p, reason }],
  );
}

function remedy(service: ServiceToPlace, placedOn: string, problems: readonly NodeProblem[]): string {
  const s = service.name;
  const onlyHealth = problems.every((problem) => problem === 'unhealthy' || problem === 'health-unknown');
  const wait = onlyHealth ? `deploy again once node ${placedOn} is healthy, or ` : '';
  switch (wantedBy(service)) {
    case 'pinned':
      return `${wait}pin it to another node and run \`mcp migrate ${s} --to <node>\``;
    case 'core':
      // Migrate refuses core services, so the way out is a fresh deploy.
      return `${wait}run \`mcp undeploy ${s}\` then \`mcp deploy ${s}\` to place it afresh`;
    case 'worker':
      return `${wait}run \`mcp migrate ${s} --to <node>\` to move it with its data`;
  }
}

function placePinned(fleet: Fleet, service: ServiceToPlace, pin: string): PlacementDecision {
  const s = service.name;
  const node = findNode(fleet, pin);
  if (node === undefined) {
    return refuse(
      `service ${s} is pinned to node ${pin}, which is not registered with the master; ` +
        `check the \`node\` key of ${s}.toml or start the agent on ${pin}`,
      [{ node: pin, reason: `node ${pin} is not registered with the master` }],
    );
  }
  const problems = nodeProblems(node, service, 'pinned', fleet.allowTcgVms);
  if (problems.length > 0) {
    const reason = describeProblems(problems, node, service);
    return refuse(`service ${s} is pinned to node ${pin}, which cannot take it: ${reason}`, [{ node: pin, reason }]);
  }
  return accept(pin, 'pin', `service ${s} is pinned to node ${pin}`);
}

/** A VM service takes a KVM node before a TCG one; then fewest containers wins; ties go to the first name. */
function placeByTier(fleet: Fleet, service: ServiceToPlace): PlacementDecision {
  const wanted = wantedBy(service);
  let best: NodeSnapshot | undefined;
  let tied = 0;
  for (const node of fleet.nodes) {
    if (nodeProblems(node, service, wanted, fleet.allowTcgVms).length > 0) continue;
    const rank = best === undefined ? 0 : vmRank(node, service) - vmRank(best, service);
    if (best === undefined || rank < 0 || (rank === 0 && node.containers < best.containers)) {
      best = node;
      tied = 1;
    } else if (rank === 0 && node.containers === best.containers) {
      tied += 1;
      // Code-unit order, not locale order, so every machine breaks the tie the same way.
      if (node.name < best.name) best = node;
    }
  }
  if (best !== undefined) return acceptByTier(service, best, tied);
  // Reasons are written only on refusal, when every node was rejected.
  const rejected = fleet.nodes
    .map((node) => ({ node: node.name, reason: describeProblems(nodeProblems(node, service, wanted, fleet.allowTcgVms), node, service) }))
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return refuse(noNodeReason(fleet, service), rejected);
}

function acceptByTier(service: ServiceToPlace, node: NodeSnapshot, tied: number): PlacementAccepted {
  if (wantedBy(service) === 'core') {
    return accept(node.name, 'core-tier', `service ${service.name} is core tier and runs on the master node ${node.name}`);
  }
  const tie = tied > 1 ? `; ${tied} workers tie, and the first by name wins` : '';
  const kvm = !service.needsVms ? '' : node.vms === 'kvm' ? ' among those with KVM' : ' (no worker with KVM can take it; this one runs VMs under TCG)';
  return accept(
    node.name,
    'worker-tier',
    `node ${node.name} is the eligible worker with the fewest containers (${node.containers})${kvm}${tie}`,
  );
}

function noNodeReason(fleet: Fleet, service: ServiceToPlace): string {
  const s = service.name;
  if (fleet.nodes.length === 0) return `no nodes are registered with the master, so service ${s} has nowhere to run`;
  const vms = service.needsVms ? ' that can run VMs (it has a unikernel component)' : '';
  if (wantedBy(service) === 'core') {
    if (!fleet.nodes.some((node) => node.role === 'master')) {
      return `service ${s} is core tier, but no master node is registered`;
    }
    return `the master node cannot take core-tier service ${s}; see the reason per node`;
  }
  if (!fleet.nodes.some((node) => node.role === 'worker')) {
    return (
      `no worker node is registered, so worker-tier service ${s} has nowhere to run; ` +
      `register a worker, or set \`node\` or \`tier = "core"\` in ${s}.toml`
    );
  }
  return `no healthy worker node${vms} can take service ${s}; see the reason per node`;
}
