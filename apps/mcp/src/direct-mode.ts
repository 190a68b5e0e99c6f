// --direct: the agent a command talks to comes from `[[nodes]]` (pure choice in node-selection.ts), then connect.
import { connectAgent, type AgentConnection } from './agent-client.js';
import { loadCredentials } from './credentials.js';
import { describeConfigSource } from './config.js';
import type { CommandContext } from './context.js';
import { findServiceDefinition, type LoadedDefinition } from './definitions.js';
import { selectNode, selectNodes } from './node-selection.js';

export interface ServiceAgentOptions {
  readonly service: string;
  /** -n/--node. */
  readonly flag: string | undefined;
  /** The service's definition when the command has already loaded it (deploy, stop, start). */
  readonly definition?: LoadedDefinition | undefined;
}

/** The agent of the node that runs `service`: -n, else the definition's `node`, else the only node. */
export async function agentForServiceDirect(context: CommandContext, options: ServiceAgentOptions): Promise<AgentConnection> {
  const { config, cwd } = context;
  // With -n the definition is not needed to choose, so a missing or broken file does not get in the way.
  const loaded =
    options.flag !== undefined
      ? undefined
      : (options.definition ?? (await findServiceDefinition(options.service, { servicesDir: config.servicesDir, cwd })));
  const pinnedNode = loaded?.definition.node;
  const pinned = loaded === undefined || pinnedNode === undefined ? undefined : { node: pinnedNode, file: loaded.file };
  const node = selectNode(config.nodes, { flag: options.flag, pinned, service: options.service }, describeConfigSource(config));
  return connectAgent(node, await loadCredentials(config));
}

/** The agents a fleet-wide command asks: -n, else every configured node. */
export async function agentsForFleetDirect(context: CommandContext, flag: string | undefined): Promise<AgentConnection[]> {
  const nodes = selectNodes(context.config.nodes, flag, describeConfigSource(context.config));
  const credentials = await loadCredentials(context.config);
  return nodes.map((node) => connectAgent(node, credentials));
}

/** The agent of a node-wide command (agent recover): -n, else the only configured node. */
export async function agentForNodeDirect(context: CommandContext, flag: string | undefined): Promise<AgentConnection> {
  const node = selectNode(context.config.nodes, { flag }, describeConfigSource(context.config));
  return connectAgent(node, await loadCredentials(context.config));
}
