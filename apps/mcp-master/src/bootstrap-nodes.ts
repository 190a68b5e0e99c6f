// Records the nodes listed in the master's config ([[nodes]]) that it does not know yet, as unknown.
import type { BootstrapNode } from './config.js';
import type { MasterLog, MasterStore } from './deps.js';
import { unknownNodeRecord } from './node-admin.js';

/**
 * A node already known keeps its record: its own registration is fresher than the config file, so a
 * difference is logged, not applied. Returns the names added.
 */
export function recordBootstrapNodes(store: MasterStore, nodes: readonly BootstrapNode[], log: MasterLog): string[] {
  const added: string[] = [];
  for (const node of nodes) {
    const known = store.findNode(node.name);
    if (known === undefined) {
      store.upsertNode(unknownNodeRecord({ ...node, arch: '' }));
      added.push(node.name);
    } else if (known.address !== node.address || known.role !== node.role) {
      log.info(
        { node: node.name, configured: { role: node.role, address: node.address }, registered: { role: known.role, address: known.address } },
        'bootstrap node differs from what its agent registered; keeping the registration',
      );
    }
  }
  if (added.length > 0) log.info({ nodes: added }, 'bootstrap nodes recorded as unknown');
  return added;
}
