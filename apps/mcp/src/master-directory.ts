// Without --direct, the RPCs only agents have (restart, logs, push, pull, adopt, purge, list, agent recover) go to
// the agent the master names: Status says which node a service is placed on, ListNodes where that node listens.
// The call itself goes straight to that agent, with the operator's token and CA (SPEC 9 lets humans call them).
import { create } from '@bufbuild/protobuf';
import { ListNodesRequestSchema, StatusRequestSchema, type NodeInfo } from '@mcp/proto';
import type { AgentConnection } from './agent-client.js';
import type { Credentials } from './credentials.js';
import type { NodeEntry } from './config.js';
import type { CommandContext } from './context.js';
import { CliError, exitCodes } from './errors.js';
import { connectMaster, type MasterConnection } from './master-client.js';

/** Every node the master knows, as the CLI addresses them. */
export async function nodesOfMaster(master: MasterConnection): Promise<NodeInfo[]> {
  const answer = await master.call('listNodes', (client) => client.listNodes(create(ListNodesRequestSchema, {})));
  return answer.nodes;
}

function entriesOf(nodes: readonly NodeInfo[]): NodeEntry[] {
  return nodes.map((node) => ({ name: node.name, address: node.address }));
}

function listNodes(master: MasterConnection, nodes: readonly NodeEntry[]): string {
  if (nodes.length === 0) return `none: mcp-master (${master.address}) knows no node yet`;
  return nodes.map((node) => `${node.name} (${node.address})`).join(', ');
}

function nodeNamed(master: MasterConnection, nodes: readonly NodeEntry[], name: string, source: string): NodeEntry {
  const node = nodes.find((entry) => entry.name === name);
  if (node !== undefined) return node;
  throw new CliError(
    'usage',
    `${source}: mcp-master (${master.address}) knows no node "${name}"; expected one of: ${listNodes(master, nodes)}`,
    exitCodes.badInput,
  );
}

/** A connection to an agent; the agent's client (and its descriptors) loads only for commands that talk to one. */
async function connectAgent(node: NodeEntry, credentials: Credentials): Promise<AgentConnection> {
  return (await import('./agent-client.js')).connectAgent(node, credentials);
}

/** The node the master placed `service` on; a service it has not placed is not found (exit 2). */
export async function placedNode(master: MasterConnection, service: string): Promise<string> {
  const status = await master.call('status', (client) => client.status(create(StatusRequestSchema, { serviceName: service })));
  const placed = status.services.find((entry) => entry.name === service);
  if (placed !== undefined && placed.node !== '') return placed.node;
  const found = status.discrepancies.map((entry) => entry.message).filter((message) => message !== '');
  throw new CliError(
    'not_found',
    `mcp-master (${master.address}) has not placed service ${service}${found.length === 0 ? '' : ` (${found.join('; ')})`}; ` +
      `deploy it first (mcp deploy ${service}), or pass --direct -n <node> to act on an agent without the master`,
    exitCodes.badInput,
  );
}

/** The agent running `service`: -n names a node the master knows, else the master's placement decides. */
export async function agentForServiceViaMaster(context: CommandContext, service: string, flag: string | undefined): Promise<AgentConnection> {
  const master = await connectMaster(context.config);
  const nodes = entriesOf(await nodesOfMaster(master));
  const node =
    flag !== undefined
      ? nodeNamed(master, nodes, flag, '-n/--node')
      : nodeNamed(master, nodes, await placedNode(master, service), `the placement of ${service}`);
  return connectAgent(node, master.credentials);
}

/** The agents of a fleet-wide command: -n, else every node the master knows. */
export async function agentsForFleetViaMaster(context: CommandContext, flag: string | undefined): Promise<AgentConnection[]> {
  const master = await connectMaster(context.config);
  const nodes = entriesOf(await nodesOfMaster(master));
  const chosen = flag === undefined ? nodes : [nodeNamed(master, nodes, flag, '-n/--node')];
  return Promise.all(chosen.map((node) => connectAgent(node, master.credentials)));
}

/** The agent of a node-wide command (agent recover): -n, else the only node the master knows. */
export async function agentForNodeViaMaster(context: CommandContext, flag: string | undefined): Promise<AgentConnection> {
  const master = await connectMaster(context.config);
  const nodes = entriesOf(await nodesOfMaster(master));
  if (flag !== undefined) return connectAgent(nodeNamed(master, nodes, flag, '-n/--node'), master.credentials);
  const [only, ...others] = nodes;
  if (only !== undefined && others.length === 0) return connectAgent(only, master.credentials);
  throw new CliError('usage', `which node? pass -n/--node with one of: ${listNodes(master, nodes)}`, exitCodes.badInput);
}
