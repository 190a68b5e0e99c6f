// What the master's behaviour needs from the world: its state, clients to agents, a clock and a log.
// This file is the contract between the master's parts (state and nodes / fleet operations).
import type { Client } from '@connectrpc/connect';
import type { VmSupport } from '@mcp/placement';
import type { McpAgentService, ServiceSpec } from '@mcp/proto';
import type { ServiceDns } from './service-dns.js';

export type NodeRole = 'master' | 'worker' | 'edge';
/** unknown: listed in config or registered, no heartbeat yet; unhealthy: missed heartbeats and failed the probe. */
export type NodeHealth = 'healthy' | 'unhealthy' | 'unknown';

export interface NodeRecord {
  readonly name: string;
  readonly role: NodeRole;
  /** host:port of the node's agent. */
  readonly address: string;
  readonly arch: string;
  readonly agentVersion: string;
  readonly status: NodeHealth;
  /** Running containers and VMs, from the last heartbeat. */
  readonly containers: number;
  /** How the node runs unikernel components: the qemu it reported, with KVM or TCG alone, or none. */
  readonly vms: VmSupport;
  readonly cpuMillicores: number;
  readonly memoryBytes: number;
  readonly diskBytes: number;
  readonly registeredAt?: Date;
  readonly lastHeartbeat?: Date;
}

export interface PlacementRecord {
  readonly service: string;
  readonly node: string;
  /** "core" | "worker" | "" (pinned). */
  readonly tier: string;
  /** The definition last deployed: Sync compares against it (changed → redeploy). */
  readonly spec: ServiceSpec;
  readonly deployedAt: Date;
}

/** One stored snapshot: `<data dir>/snapshots/<service>/<filename>`. */
export interface SnapshotRecord {
  readonly service: string;
  /** "<UTC time>.tar.zst". */
  readonly filename: string;
  /** Node the data was exported from. */
  readonly node: string;
  readonly sizeBytes: number;
  /** SHA-256 of the archive, lower-case hex. */
  readonly sha256: string;
  readonly createdAt: Date;
}

/**
 * A public route the master wants on an edge node (desired state): recorded before the edge's SetupEdgeRoute is
 * called and kept when that call fails, so reconciliation reports it missing and a deploy or sync sets it up again.
 */
export interface EdgeRouteRecord {
  /** Public hostname (primary key: one service owns a public name). */
  readonly hostname: string;
  readonly service: string;
  readonly edgeNode: string;
  /** `<service>.<internal zone>`: the name the edge resolves to reach the worker's proxy. */
  readonly backendHostname: string;
  readonly backendPort: number;
  /** From the edge's last successful SetupEdgeRoute; undefined until one succeeded. */
  readonly certExpiresAt?: Date;
  readonly createdAt: Date;
}

/** The master's SQLite state (nodes, placements, edge routes, snapshots). */
export interface MasterStore {
  listNodes(): NodeRecord[];
  findNode(name: string): NodeRecord | undefined;
  /** Inserts or updates a node; returns whether it existed before (re-registration). */
  upsertNode(node: NodeRecord): { existed: boolean };
  /** Records load and time, and marks the node healthy (a heartbeat is the node speaking). @throws UnknownNodeError */
  recordHeartbeat(name: string, heartbeat: {
    at: Date; cpuMillicores: number; memoryBytes: number; diskBytes: number; containers: number;
  }): void;
  /** @throws UnknownNodeError */
  setNodeStatus(name: string, status: NodeHealth): void;
  countNodes(): number;
  /** Forgets a node; refused (UnknownNodeError) when unknown. Its placements must be gone first (foreign key). */
  deleteNode(name: string): void;

  listPlacements(): PlacementRecord[];
  findPlacement(service: string): PlacementRecord | undefined;
  /** Inserts or replaces the service's placement; its node must be known. @throws UnknownNodeError */
  putPlacement(placement: PlacementRecord): void;
  /** Deleting a placement that does not exist changes nothing. */
  deletePlacement(service: string): void;

  /** Every recorded edge route, or one service's, by hostname. */
  listEdgeRoutes(service?: string): EdgeRouteRecord[];
  findEdgeRoute(hostname: string): EdgeRouteRecord | undefined;
  /** Inserts or replaces the route of `hostname`; its edge node must be known. @throws UnknownNodeError */
  putEdgeRoute(route: EdgeRouteRecord): void;
  /** Deleting a route that does not exist changes nothing. */
  deleteEdgeRoute(hostname: string): void;

  /** Records a stored snapshot (the file is in place first). */
  putSnapshot(snapshot: SnapshotRecord): void;
  /** Newest first; one service's, or every service's (by service name, then newest first). */
  listSnapshots(service?: string): SnapshotRecord[];
  /** Deleting a record that does not exist changes nothing. */
  deleteSnapshot(service: string, filename: string): void;

  close(): void;
}

export type AgentClient = Client<typeof McpAgentService>;

/** Clients to agents, authenticated as `mcp-master`, verified against the platform CA; pooled per address. */
export interface AgentClients {
  /** A client for the node's agent at `address`. */
  forAddress(address: string): AgentClient;
  close(): void;
}

/** pino's Logger satisfies this. */
export interface MasterLog {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  child(bindings: Record<string, unknown>): MasterLog;
}

export interface MasterDeps {
  readonly store: MasterStore;
  readonly agents: AgentClients;
  readonly clock: { now(): Date };
  readonly log: MasterLog;
  /** Fan-out calls to agents (Status, ListNodes) give up on a node after this long. */
  readonly agentTimeoutMs: number;
  readonly version: string;
  /** The internal zone the master keeps service records in; undefined: no [dns] configured (steps say so). */
  readonly dns?: ServiceDns;
}
