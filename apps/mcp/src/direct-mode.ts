// What every --direct command does before its RPC: refuse to run without --direct, pick the node, connect.
import { connectAgent, loadCredentials, type AgentConnection } from './agent-client.js';
import { describeConfigSource } from './config.js';
import type { CommandContext } from './context.js';
import { findServiceDefinition, type LoadedDefinition } from './definitions.js';
import { CliError, exitCodes } from './errors.js';
import { selectNode, selectNodes } from './node-selection.js';

/**
 * Commands that act on nodes go through mcp-master by default; until the CLI speaks to the master they
 * work only with --direct, and say so (exit 2) instead of failing in some less clear way.
 */
export function requireDirect(context: CommandContext, command: string): void {
  if (context.direct) return;
  throw new CliError(
    'usage',
    `mcp ${command} through mcp-master is not available yet; pass --direct to talk to the node's agent (the nodes of [[nodes]] in ${describeConfigSource(context.config)})`,
    exitCodes.badInput,
  );
}

export interface ServiceAgentOptions {
  readonly service: string;
  /** -n/--node. */
  readonly flag: string | undefined;
  /** The service's definition when the command has already loaded it (deploy, stop, start). */
  readonly definition?: LoadedDefinition | undefined;
}

/** The agent of the node that runs `service`: -n, else the definition's `node`, else the only node. */
export async function agentForService(context: CommandContext, options: ServiceAgentOptions): Promise<AgentConnection> {
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
export async function agentsForFleet(context: CommandContext, flag: string | undefined): Promise<AgentConnection[]> {
  const nodes = selectNodes(context.config.nodes, flag, describeConfigSource(context.config));
  const credentials = await loadCredentials(context.config);
  return nodes.map((node) => connectAgent(node, credentials));
}

/** The agent of a node-wide command (agent recover): -n, else the only configured node. */
export async function agentForNode(context: CommandContext, flag: string | undefined): Promise<AgentConnection> {
  const node = selectNode(context.config.nodes, { flag }, describeConfigSource(context.config));
  return connectAgent(node, await loadCredentials(context.config));
}
