// Caller classes of SPEC 9: which kind of principal an identity is, decided from name, account and roles.
import type { Identity } from './identity.js';
import { isValidNodeName } from './node-name.js';

/**
 * - `human`: a person's account without the guest role (the CLI, against the master or --direct).
 * - `agent`: a system account named `agent-<node>` (an mcp-agent talking to the master).
 * - `master`: the system account `mcp-master` (the master talking to agents).
 * - `guest`: any account with the `guest` role; may call nothing.
 * - `other-system`: any other system account; may call nothing until the policy names it.
 */
export type CallerClass = 'human' | 'agent' | 'master' | 'guest' | 'other-system';

export const masterIdentityName = 'mcp-master';
export const guestRole = 'guest';

const agentPrefix = 'agent-';

export function classifyCaller(identity: Identity): CallerClass {
  if (identity.roles.includes(guestRole)) return 'guest';
  if (identity.account === 'human') return 'human';
  if (identity.name === masterIdentityName) return 'master';
  if (nodeNameFromIdentity(identity.name) !== undefined) return 'agent';
  return 'other-system';
}

/** `agent-rift` → `rift`; undefined when the name is not `agent-` followed by a valid node name. */
export function nodeNameFromIdentity(name: string): string | undefined {
  if (!name.startsWith(agentPrefix)) return undefined;
  const node = name.slice(agentPrefix.length);
  return isValidNodeName(node) ? node : undefined;
}

/** The identity name an agent on `node` authenticates as: `rift` → `agent-rift`. */
export function agentIdentityName(node: string): string {
  return agentPrefix + node;
}
