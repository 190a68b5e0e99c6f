// Which agent a --direct command talks to: -n/--node, else the definition's `node`, else the only node.
import type { NodeEntry } from './config.js';
import { CliError, exitCodes } from './errors.js';

export interface NodeSelection {
  /** -n/--node, when given. */
  readonly flag: string | undefined;
  /** The `node` key of the service's definition and the file it is in, when the definition pins one. */
  readonly pinned?: { readonly node: string; readonly file: string } | undefined;
  /** The service the command acts on, for the message when no node can be chosen. */
  readonly service?: string | undefined;
}

/** The one node a command acts on; throws a usage error (exit 2) that lists the configured nodes. */
export function selectNode(nodes: readonly NodeEntry[], selection: NodeSelection, configSource: string): NodeEntry {
  requireNodes(nodes, configSource);
  if (selection.flag !== undefined) return byName(nodes, selection.flag, '-n/--node', configSource);
  if (selection.pinned !== undefined) {
    return byName(nodes, selection.pinned.node, `${selection.pinned.file}: node`, configSource);
  }
  const [only, ...others] = nodes;
  if (only !== undefined && others.length === 0) return only;
  const what = selection.service === undefined ? 'which node?' : `which node runs ${selection.service}?`;
  const pin = selection.service === undefined ? '' : ', or set node = "<name>" in its definition';
  throw new CliError('usage', `${what} pass -n/--node with one of: ${listNodes(nodes)}${pin}`, exitCodes.badInput);
}

/** The nodes a fleet-wide command (list, ps, status, purge, node list) asks: -n/--node, else every node. */
export function selectNodes(nodes: readonly NodeEntry[], flag: string | undefined, configSource: string): readonly NodeEntry[] {
  requireNodes(nodes, configSource);
  return flag === undefined ? nodes : [byName(nodes, flag, '-n/--node', configSource)];
}

/** The node named `name`; a name not in `[[nodes]]` is bad input naming where it came from. */
export function byName(nodes: readonly NodeEntry[], name: string, source: string, configSource: string): NodeEntry {
  const node = nodes.find((entry) => entry.name === name);
  if (node !== undefined) return node;
  throw new CliError(
    'usage',
    `${source}: node "${name}" is not configured; expected one of: ${listNodes(nodes)} ([[nodes]] in ${configSource})`,
    exitCodes.badInput,
  );
}

function requireNodes(nodes: readonly NodeEntry[], configSource: string): void {
  if (nodes.length > 0) return;
  throw new CliError(
    'config',
    `--direct needs the agents' addresses, and ${configSource} lists no [[nodes]]; add name = "<node>" and address = "host:port" for each`,
    exitCodes.badInput,
  );
}

function listNodes(nodes: readonly NodeEntry[]): string {
  return nodes.map((node) => `${node.name} (${node.address})`).join(', ');
}
