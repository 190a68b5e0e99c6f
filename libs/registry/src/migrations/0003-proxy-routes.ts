// Migration 3 (shipped: never edit; add a new migration instead): the node proxy's routes as the agent wants them.
import type { Migration } from '../migrate.js';

export const migration0003: Migration = {
  id: 3,
  name: 'proxy-routes',
  sql: `
CREATE TABLE \`proxy_routes\` (
	\`listener_port\` integer NOT NULL,
	\`hostname\` text NOT NULL,
	\`backend_host\` text NOT NULL,
	\`backend_port\` integer NOT NULL,
	\`mode\` text NOT NULL,
	\`backend_tls\` integer NOT NULL,
	\`cert_source\` text NOT NULL,
	\`service\` text,
	\`component\` text,
	\`created_at\` integer NOT NULL,
	\`updated_at\` integer NOT NULL,
	PRIMARY KEY(\`listener_port\`, \`hostname\`),
	CONSTRAINT "proxy_routes_mode_check" CHECK("proxy_routes"."mode" IN ('l4', 'l7')),
	CONSTRAINT "proxy_routes_cert_source_check" CHECK("proxy_routes"."cert_source" IN ('none', 'acme', 'operator')),
	CONSTRAINT "proxy_routes_listener_port_check" CHECK("proxy_routes"."listener_port" BETWEEN 1 AND 65535),
	CONSTRAINT "proxy_routes_backend_port_check" CHECK("proxy_routes"."backend_port" BETWEEN 1 AND 65535)
);

CREATE INDEX \`proxy_routes_owner_idx\` ON \`proxy_routes\` (\`service\`,\`component\`);
`,
};
