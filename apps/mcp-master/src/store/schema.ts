// Drizzle table definitions of the master's database; must match what the migrations create (tested).
import { sql } from 'drizzle-orm';
import { blob, check, foreignKey, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { VmSupport } from '@mcp/placement';
import type { NodeHealth, NodeRole } from '../deps.js';

/** Which numbered migrations this database has applied (@mcp/sqlite's runner). */
export const masterMigrations = sqliteTable('master_migrations', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  appliedAt: integer('applied_at', { mode: 'timestamp_ms' }).notNull(),
});

export const nodes = sqliteTable(
  'nodes',
  {
    name: text('name').primaryKey(),
    role: text('role').$type<NodeRole>().notNull(),
    address: text('address').notNull(),
    arch: text('arch').notNull(),
    agentVersion: text('agent_version').notNull(),
    status: text('status').$type<NodeHealth>().notNull(),
    containers: integer('containers').notNull(),
    // Written (vms != 'none') for a master that predates vm_support; read no more.
    canRunVms: integer('can_run_vms', { mode: 'boolean' }).notNull(),
    cpuMillicores: integer('cpu_millicores').notNull(),
    memoryBytes: integer('memory_bytes').notNull(),
    diskBytes: integer('disk_bytes').notNull(),
    registeredAt: integer('registered_at', { mode: 'timestamp_ms' }),
    lastHeartbeat: integer('last_heartbeat', { mode: 'timestamp_ms' }),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    vmSupport: text('vm_support').$type<VmSupport>().notNull().default('none'),
  },
  (table) => [
    check('nodes_role_check', sql`${table.role} IN ('master', 'worker', 'edge')`),
    check('nodes_status_check', sql`${table.status} IN ('healthy', 'unhealthy', 'unknown')`),
  ],
);

export const placements = sqliteTable(
  'placements',
  {
    service: text('service').primaryKey(),
    node: text('node').notNull(),
    tier: text('tier').notNull(),
    // The ServiceSpec last deployed, protobuf binary: exact round trip, unknown fields kept.
    spec: blob('spec', { mode: 'buffer' }).notNull(),
    deployedAt: integer('deployed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    // A placement names a node the master knows; removing a node means moving its services first.
    foreignKey({ columns: [table.node], foreignColumns: [nodes.name] }),
    index('placements_node_idx').on(table.node),
    check('placements_tier_check', sql`${table.tier} IN ('core', 'worker', '')`),
  ],
);

/** Public routes the master wants on edge nodes (desired state; see EdgeRouteRecord). */
export const edgeRoutes = sqliteTable(
  'edge_routes',
  {
    hostname: text('hostname').primaryKey(),
    service: text('service').notNull(),
    edgeNode: text('edge_node').notNull(),
    backendHostname: text('backend_hostname').notNull(),
    backendPort: integer('backend_port').notNull(),
    certExpiresAt: integer('cert_expires_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    foreignKey({ columns: [table.edgeNode], foreignColumns: [nodes.name] }),
    index('edge_routes_service_idx').on(table.service),
    check('edge_routes_backend_port_check', sql`${table.backendPort} BETWEEN 1 AND 65535`),
  ],
);

/** The snapshot catalogue (behaviour comes with snapshots); rows outlive placements and nodes. */
export const snapshots = sqliteTable(
  'snapshots',
  {
    service: text('service').notNull(),
    filename: text('filename').notNull(),
    node: text('node').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.service, table.filename] })],
);
