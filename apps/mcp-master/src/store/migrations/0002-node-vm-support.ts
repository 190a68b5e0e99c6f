// Migration 2 (shipped once released: never edit; add a new migration instead): how a node runs VMs (kvm, tcg, none),
// so that placement can put VMs on KVM nodes first and on TCG-only nodes under [placement] allow_tcg_vms.
import type { Migration } from '@mcp/sqlite';

export const migration0002: Migration = {
  id: 2,
  name: 'node-vm-support',
  sql: `
ALTER TABLE \`nodes\` ADD \`vm_support\` text DEFAULT 'none' NOT NULL;
-- can_run_vms used to mean "KVM, or TCG allowed"; a node registers again at its agent's next start.
UPDATE \`nodes\` SET \`vm_support\` = 'kvm' WHERE \`can_run_vms\` = 1;
`,
};
