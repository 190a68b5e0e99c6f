// Domain types of placement: the snapshot of the fleet the master passes in, and the decision it gets back.

export type NodeRole = 'master' | 'worker' | 'edge';

/**
 * `unknown`: the master knows the node (a bootstrap node from its config, say) but has not yet
 * had a heartbeat from it. Only `healthy` nodes take new placements.
 */
export type NodeStatus = 'healthy' | 'unhealthy' | 'unknown';

/** How the node runs unikernel VMs: QEMU with KVM, QEMU under TCG only (slow), or not at all. */
export type VmSupport = 'kvm' | 'tcg' | 'none';

export interface NodeSnapshot {
  readonly name: string;
  readonly role: NodeRole;
  readonly status: NodeStatus;
  /** Containers and VMs the node runs now, as last reported. */
  readonly containers: number;
  /** How the node runs VMs, as its agent reported it; a `tcg` node takes VMs only under `allowTcgVms`. */
  readonly vms: VmSupport;
}

/** Where a service runs now, as the master has recorded it. */
export interface Placement {
  readonly service: string;
  readonly node: string;
}

export type ServiceTier = 'core' | 'worker';

export interface ServiceToPlace {
  readonly name: string;
  /** Absent means `worker`. Ignored when `node` is set. */
  readonly tier?: ServiceTier;
  /** Pin to this node; overrides `tier`. */
  readonly node?: string;
  /** True when at least one component has `runtime = "unikernel"`. */
  readonly needsVms: boolean;
  /** How many containers or VMs the service adds to its node (its component count, at least 1). */
  readonly componentCount: number;
}

/** Which rule chose the node: kept where it already runs, its pin, or its tier. */
export type PlacementRule = 'existing-placement' | 'pin' | 'core-tier' | 'worker-tier';

export interface NodeRejection {
  readonly node: string;
  /** A sentence an operator can act on, naming the node. */
  readonly reason: string;
}

export interface PlacementAccepted {
  readonly ok: true;
  readonly node: string;
  readonly rule: PlacementRule;
  readonly reason: string;
}

export interface PlacementRefused {
  readonly ok: false;
  readonly reason: string;
  /** Why each node considered was not chosen, sorted by node name. */
  readonly rejected: readonly NodeRejection[];
}

export type PlacementDecision = PlacementAccepted | PlacementRefused;

/** The master's placement settings. */
export interface PlacementPolicy {
  /** Let nodes whose QEMU has TCG alone (no KVM) take unikernel components, after every KVM node. Default false. */
  readonly allowTcgVms?: boolean;
}

export interface PlacementInput extends PlacementPolicy {
  readonly nodes: readonly NodeSnapshot[];
  readonly placements: readonly Placement[];
  readonly service: ServiceToPlace;
}
