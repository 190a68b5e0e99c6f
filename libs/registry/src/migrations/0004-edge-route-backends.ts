// Migration 4 (shipped: never edit; add a new migration instead): what an edge route re-encrypts to, and the name a
// re-encrypting proxy route checks its backend as.
import type { Migration } from '../migrate.js';

export const migration0004: Migration = {
  id: 4,
  name: 'edge-route-backends',
  sql: `
ALTER TABLE \`edge_routes\` ADD \`backend_address\` text DEFAULT '' NOT NULL;

ALTER TABLE \`edge_routes\` ADD \`service\` text DEFAULT '' NOT NULL;

ALTER TABLE \`edge_routes\` ADD \`listener_port\` integer DEFAULT 443 NOT NULL;

ALTER TABLE \`proxy_routes\` ADD \`backend_server_name\` text;
`,
};
