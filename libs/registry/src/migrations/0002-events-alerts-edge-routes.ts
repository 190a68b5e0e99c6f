// Migration 2 (shipped: never edit; add a new migration instead): events, alert state, edge routes.
import type { Migration } from '../migrate.js';

export const migration0002: Migration = {
  id: 2,
  name: 'events-alert-state-edge-routes',
  sql: `
CREATE TABLE \`events\` (
	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	\`time\` integer NOT NULL,
	\`service\` text NOT NULL,
	\`component\` text,
	\`from_state\` text,
	\`to_state\` text,
	\`kind\` text NOT NULL,
	\`message\` text NOT NULL
);

CREATE INDEX \`events_time_idx\` ON \`events\` (\`time\`);

CREATE INDEX \`events_service_component_time_idx\` ON \`events\` (\`service\`,\`component\`,\`time\`);

CREATE TABLE \`alert_state\` (
	\`service\` text NOT NULL,
	\`component\` text NOT NULL,
	\`last_kind\` text NOT NULL,
	\`last_alert_at\` integer NOT NULL,
	\`cooldown_until\` integer NOT NULL,
	PRIMARY KEY(\`service\`, \`component\`),
	FOREIGN KEY (\`service\`,\`component\`) REFERENCES \`components\`(\`service\`,\`name\`) ON UPDATE no action ON DELETE cascade
);

CREATE TABLE \`edge_routes\` (
	\`hostname\` text PRIMARY KEY NOT NULL,
	\`backend_hostname\` text NOT NULL,
	\`backend_port\` integer NOT NULL,
	\`cert_path\` text NOT NULL,
	\`key_path\` text NOT NULL,
	\`cert_expires_at\` integer NOT NULL,
	\`created_at\` integer NOT NULL,
	\`updated_at\` integer NOT NULL,
	CONSTRAINT "edge_routes_backend_port_check" CHECK("edge_routes"."backend_port" BETWEEN 1 AND 65535)
);
`,
};
