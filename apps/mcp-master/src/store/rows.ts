// Converts between the master's records (deps.ts) and the rows of its tables.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ServiceSpecSchema } from '@mcp/proto';
import type { EdgeRouteRecord, NodeRecord, PlacementRecord, SnapshotRecord } from '../deps.js';
import type { edgeRoutes, nodes, placements, snapshots } from './schema.js';

type NodeRow = typeof nodes.$inferSelect;
type PlacementRow = typeof placements.$inferSelect;
type SnapshotRow = typeof snapshots.$inferSelect;
type EdgeRouteRow = typeof edgeRoutes.$inferSelect;

export function nodeRecordOf(row: NodeRow): NodeRecord {
  return {
    name: row.name,
    role: row.role,
    address: row.address,
    arch: row.arch,
    agentVersion: row.agentVersion,
    status: row.status,
    containers: row.containers,
    vms: row.vmSupport,
    cpuMillicores: row.cpuMillicores,
    memoryBytes: row.memoryBytes,
    diskBytes: row.diskBytes,
    ...(row.registeredAt === null ? {} : { registeredAt: row.registeredAt }),
    ...(row.lastHeartbeat === null ? {} : { lastHeartbeat: row.lastHeartbeat }),
  };
}

export function nodeRowOf(node: NodeRecord, updatedAt: Date): NodeRow {
  return {
    name: node.name,
    role: node.role,
    address: node.address,
    arch: node.arch,
    agentVersion: node.agentVersion,
    status: node.status,
    containers: node.containers,
    canRunVms: node.vms !== 'none',
    vmSupport: node.vms,
    cpuMillicores: node.cpuMillicores,
    memoryBytes: node.memoryBytes,
    diskBytes: node.diskBytes,
    registeredAt: node.registeredAt ?? null,
    lastHeartbeat: node.lastHeartbeat ?? null,
    updatedAt,
  };
}

export function placementRecordOf(row: PlacementRow): PlacementRecord {
  return {
    service: row.service,
    node: row.node,
    tier: row.tier,
    spec: fromBinary(ServiceSpecSchema, new Uint8Array(row.spec)),
    deployedAt: row.deployedAt,
  };
}

export function placementRowOf(placement: PlacementRecord): PlacementRow {
  return {
    service: placement.service,
    node: placement.node,
    tier: placement.tier,
    spec: Buffer.from(toBinary(ServiceSpecSchema, placement.spec)),
    deployedAt: placement.deployedAt,
  };
}

export function snapshotRecordOf(row: SnapshotRow): SnapshotRecord {
  return { ...row };
}

export function snapshotRowOf(snapshot: SnapshotRecord): SnapshotRow {
  return {
    service: snapshot.service,
    filename: snapshot.filename,
    node: snapshot.node,
    sizeBytes: snapshot.sizeBytes,
    sha256: snapshot.sha256,
    createdAt: snapshot.createdAt,
  };
}

export function edgeRouteRecordOf(row: EdgeRouteRow): EdgeRouteRecord {
  return {
    hostname: row.hostname,
    service: row.service,
    edgeNode: row.edgeNode,
    backendHostname: row.backendHostname,
    backendPort: row.backendPort,
    ...(row.certExpiresAt === null ? {} : { certExpiresAt: row.certExpiresAt }),
    createdAt: row.createdAt,
  };
}

export function edgeRouteRowOf(route: EdgeRouteRecord): EdgeRouteRow {
  return {
    hostname: route.hostname,
    service: route.service,
    edgeNode: route.edgeNode,
    backendHostname: route.backendHostname,
    backendPort: route.backendPort,
    certExpiresAt: route.certExpiresAt ?? null,
    createdAt: route.createdAt,
  };
}
