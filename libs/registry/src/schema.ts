// Drizzle table definitions of the agent registry; must match what the migrations create (tested).
import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
} from 'drizzle-orm/sqlite-core';
import type { ComponentRuntime, ProxyCertSource, RouteMode, Tier } from './types.js';

/** Which numbered migrations this database has applied (see migrate.ts). */
export const registryMigrations = sqliteTable('registry_migrations', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  appliedAt: integer('applied_at', { mode: 'timestamp_ms' }).notNull(),
});

export const services = sqliteTable(
  'services',
  {
    name: text('name').primaryKey(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    tier: text('tier').$type<Tier>().notNull(),
    node: text('node'),
    comment: text('comment'),
    snapshotMethod: text('snapshot_method').notNull(),
    snapshotExcludes: text('snapshot_excludes', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [check('services_tier_check', sql`${table.tier} IN ('core', 'worker')`)],
);

export const components = sqliteTable(
  'components',
  {
    service: text('service').notNull(),
    name: text('name').notNull(),
    // Order of the component in its definition, so a service reads back as it was written.
    position: integer('position').notNull(),
    image: text('image').notNull(),
    runtime: text('runtime').$type<ComponentRuntime>().notNull(),
    memoryMb: integer('memory_mb'),
    vcpus: integer('vcpus'),
    network: text('network'),
    user: text('user'),
    restart: text('restart'),
    ports: text('ports', { mode: 'json' }).$type<string[]>().notNull(),
    volumes: text('volumes', { mode: 'json' }).$type<string[]>().notNull(),
    // NULL means "the image's default command", which is not the same as an empty list.
    cmd: text('cmd', { mode: 'json' }).$type<string[]>(),
    env: text('env', { mode: 'json' }).$type<string[]>().notNull(),
    observedState: text('observed_state').notNull(),
    containerId: text('container_id'),
    observedVersion: text('observed_version'),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }),
    observedAt: integer('observed_at', { mode: 'timestamp_ms' }),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.service, table.name] }),
    foreignKey({ columns: [table.service], foreignColumns: [services.name] }).onDelete('cascade'),
    check('components_runtime_check', sql`${table.runtime} IN ('container', 'unikernel')`),
  ],
);

export const routes = sqliteTable(
  'routes',
  {
    service: text('service').notNull(),
    component: text('component').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    port: integer('port').notNull(),
    mode: text('mode').$type<RouteMode>().notNull(),
    hostname: text('hostname'),
    public: integer('public', { mode: 'boolean' }).notNull(),
    // NULL once released (undeploy); unique so no two routes ever share a host port.
    hostPort: integer('host_port').unique('routes_host_port_unique'),
  },
  (table) => [
    primaryKey({ columns: [table.service, table.component, table.position] }),
    foreignKey({
      columns: [table.service, table.component],
      foreignColumns: [components.service, components.name],
    }).onDelete('cascade'),
    check('routes_mode_check', sql`${table.mode} IN ('l4', 'l7')`),
    check('routes_port_check', sql`${table.port} BETWEEN 1 AND 65535`),
  ],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    time: integer('time', { mode: 'timestamp_ms' }).notNull(),
    service: text('service').notNull(),
    // NULL for an event about the service as a whole.
    component: text('component'),
    fromState: text('from_state'),
    toState: text('to_state'),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
  },
  (table) => [
    index('events_time_idx').on(table.time),
    index('events_service_component_time_idx').on(table.service, table.component, table.time),
  ],
);

export const alertState = sqliteTable(
  'alert_state',
  {
    service: text('service').notNull(),
    component: text('component').notNull(),
    lastKind: text('last_kind').notNull(),
    lastAlertAt: integer('last_alert_at', { mode: 'timestamp_ms' }).notNull(),
    cooldownUntil: integer('cooldown_until', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.service, table.component] }),
    foreignKey({
      columns: [table.service, table.component],
      foreignColumns: [components.service, components.name],
    }).onDelete('cascade'),
  ],
);

export const edgeRoutes = sqliteTable(
  'edge_routes',
  {
    hostname: text('hostname').primaryKey(),
    backendHostname: text('backend_hostname').notNull(),
    backendPort: integer('backend_port').notNull(),
    certPath: text('cert_path').notNull(),
    keyPath: text('key_path').notNull(),
    certExpiresAt: integer('cert_expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    // Added by migration 4 (rows of older agents had none: no agent served edge routes before).
    backendAddress: text('backend_address').notNull().default(''),
    service: text('service').notNull().default(''),
    listenerPort: integer('listener_port').notNull().default(443),
  },
  (table) => [check('edge_routes_backend_port_check', sql`${table.backendPort} BETWEEN 1 AND 65535`)],
);

export const proxyRoutes = sqliteTable(
  'proxy_routes',
  {
    listenerPort: integer('listener_port').notNull(),
    hostname: text('hostname').notNull(),
    backendHost: text('backend_host').notNull(),
    backendPort: integer('backend_port').notNull(),
    mode: text('mode').$type<RouteMode>().notNull(),
    backendTls: integer('backend_tls', { mode: 'boolean' }).notNull(),
    certSource: text('cert_source').$type<ProxyCertSource>().notNull(),
    // NULL for a route added by hand (AddProxyRoute); else the component whose definition asks for it.
    service: text('service'),
    component: text('component'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    // Added by migration 4: NULL sends the route's hostname to a re-encrypted backend.
    backendServerName: text('backend_server_name'),
  },
  (table) => [
    primaryKey({ columns: [table.listenerPort, table.hostname] }),
    index('proxy_routes_owner_idx').on(table.service, table.component),
    check('proxy_routes_mode_check', sql`${table.mode} IN ('l4', 'l7')`),
    check('proxy_routes_cert_source_check', sql`${table.certSource} IN ('none', 'acme', 'operator')`),
    check('proxy_routes_listener_port_check', sql`${table.listenerPort} BETWEEN 1 AND 65535`),
    check('proxy_routes_backend_port_check', sql`${table.backendPort} BETWEEN 1 AND 65535`),
  ],
);
