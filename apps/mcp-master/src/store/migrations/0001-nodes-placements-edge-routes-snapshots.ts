// Migration 1 (shipped once released: never edit; add a new migration instead): the master's four tables.
import type { Migration } from '@mcp/sqlite';

export const migration0001: Migration = {
  id: 1,
  name: 'nodes-placements-edge-routes-snapshots',
  sql: `
CREATE TABLE \`nodes\` (
	\`name\` text PRIMARY KEY NOT NULL,
	\`role\` text NOT NULL,
	\`address\` text NOT NULL,
	\`arch\` text NOT NULL,
	\`agent_version\` text NOT NULL,
	\`status\` text NOT NULL,
	\`containers\` integer NOT NULL,
	\`can_run_vms\` integer NOT NULL,
	\`cpu_millicores\` integer NOT NULL,
	\`memory_bytes\` integer NOT NULL,
	\`disk_bytes\` integer NOT NULL,
	\`registered_at\` integer,
	\`last_heartbeat\` integer,
	\`updated_at\` integer NOT NULL,
	CONSTRAINT "nodes_role_check" CHECK("nodes"."role" IN ('master', 'worker', 'edge')),
	CONSTRAINT "nodes_status_check" CHECK("nodes"."status" IN ('healthy', 'unhealthy', 'unknown'))
);

CREATE TABLE \`placements\` (
	\`service\` text PRIMARY KEY NOT NULL,
	\`node\` text NOT NULL,
	\`tier\` text NOT NULL,
	\`spec\` blob NOT NULL,
	\`deployed_at\` integer NOT NULL,
	FOREIGN KEY (\`node\`) REFERENCES \`nodes\`(\`name\`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "placements_tier_check" CHECK("placements"."tier" IN ('core', 'worker', ''))
);

CREATE INDEX \`placements_node_idx\` ON \`placements\` (\`node\`);

CREATE TABLE \`edge_routes\` (
	\`hostname\` text PRIMARY KEY NOT NULL,
	\`service\` text NOT NULL,
	\`edge_node\` text NOT NULL,
	\`backend_hostname\` text NOT NULL,
	\`backend_port\` integer NOT NULL,
	\`cert_expires_at\` integer,
	\`created_at\` integer NOT NULL,
	FOREIGN KEY (\`edge_node\`) REFERENCES \`nodes\`(\`name\`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "edge_routes_backend_port_check" CHECK("edge_routes"."backend_port" BETWEEN 1 AND 65535)
);

CREATE INDEX \`edge_routes_service_idx\` ON \`edge_routes\` (\`service\`);

CREATE TABLE \`snapshots\` (
	\`service\` text NOT NULL,
	\`filename\` text NOT NULL,
	\`node\` text NOT NULL,
	\`size_bytes\` integer NOT NULL,
	\`sha256\` text NOT NULL,
	\`created_at\` integer NOT NULL,
	PRIMARY KEY(\`service\`, \`filename\`)
);
`,
};
