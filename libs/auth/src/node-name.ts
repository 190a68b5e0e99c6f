// A node's name: lower-case letters, digits and "-", starting with a letter, at most 63 characters. The one rule for
// every place a node is named: the agent's, master's and CLI's configs, the dev fleet's manifest, and the system
// identity an agent authenticates as (`agent-<node>`).

export const NODE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

export const NODE_NAME_EXPECTED = 'a node name of lower-case letters, digits and "-", starting with a letter, at most 63 characters';

export function isValidNodeName(name: string): boolean {
  return NODE_NAME_PATTERN.test(name);
}
