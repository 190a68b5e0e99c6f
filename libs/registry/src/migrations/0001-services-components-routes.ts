// Migration 1 (shipped: never edit; add a new migration instead): services, their components and routes.
import type { Migration } from '../migrate.js';

export const migration0001: Migration = {
  id: 1,
  name: 'services-components-routes',
  sql: `
CREATE TABLE \`services\` (
	\`name\` text PRIMARY KEY NOT NULL,
	\`active\` integer NOT NULL,
	\`tier\` text NOT NULL,
	\`node\` text,
	\`comment\` text,
	\`snapshot_method\` text NOT NULL,
	\`snapshot_excludes\` text NOT NULL,
	\`created_at\` integer NOT NULL,
	\`updated_at\` integer NOT NULL,
	CONSTRAINT "services_tier_check" CHECK("services"."tier" IN ('core', 'worker'))
);

CREATE TABLE \`components\` (
	\`service\` text NOT NULL,
	\`name\` text NOT NULL,
	\`position\` integer NOT NULL,
	\`image\` text NOT NULL,
	\`runtime\` text NOT NULL,
	\`memory_mb\` integer,
	\`vcpus\` integer,
	\`network\` text,
	\`user\` text,
	\`restart\` text,
	\`ports\` text NOT NULL,
	\`volumes\` text NOT NULL,
	\`cmd\` text,
	\`env\` text NOT NULL,
	\`observed_state\` text NOT NULL,
	\`container_id\` text,
	\`observed_version\` text,
	\`started_at\` integer,
	\`observed_at\` integer,
	\`updated_at\` integer NOT NULL,
	PRIMARY KEY(\`service\`, \`name\`),
	FOREIGN KEY (\`service\`) REFERENCES \`services\`(\`name\`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "components_runtime_check" CHECK("components"."runtime" IN ('container', 'unikernel'))
);

CREATE TABLE \`routes\` (
	\`service\` text NOT NULL,
	\`component\` text NOT NULL,
	\`position\` integer NOT NULL,
	\`name\` text NOT NULL,
	\`port\` integer NOT NULL,
	\`mode\` text NOT NULL,
	\`hostname\` text,
	\`public\` integer NOT NULL,
	\`host_port\` integer,
	PRIMARY KEY(\`service\`, \`component\`, \`position\`),
	FOREIGN KEY (\`service\`,\`component\`) REFERENCES \`components\`(\`service\`,\`name\`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "routes_mode_check" CHECK("routes"."mode" IN ('l4', 'l7')),
	CONSTRAINT "routes_port_check" CHECK("routes"."port" BETWEEN 1 AND 65535)
);

CREATE UNIQUE INDEX \`routes_host_port_unique\` ON \`routes\` (\`host_port\`);
`,
};
