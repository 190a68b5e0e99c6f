// Which agent a command that needs one talks to: from `[[nodes]]` with --direct, else the one the master names.
// Each way loads only when taken: with --direct the master's protobuf descriptors are never booted (start-up
// budget: pnpm bench).
import type { AgentConnection } from './agent-client.js';
import type { CommandContext } from './context.js';
import type { ServiceAgentOptions } from './direct-mode.js';

export type { ServiceAgentOptions } from './direct-mode.js';

const direct = () => import('./direct-mode.js');
const viaMaster = () => import('./master-directory.js');

/** The agent of the node that runs `service` (--direct: -n, the definition's node, the only node; else the master's placement). */
export async function agentForService(context: CommandContext, options: ServiceAgentOptions): Promise<AgentConnection> {
  return context.direct
    ? (await direct()).agentForServiceDirect(context, options)
    : (await viaMaster()).agentForServiceViaMaster(context, options.service, options.flag);
}

/** The agents a fleet-wide command asks: -n, else every node (of `[[nodes]]`, or that the master knows). */
export async function agentsForFleet(context: CommandContext, flag: string | undefined): Promise<AgentConnection[]> {
  return context.direct ? (await direct()).agentsForFleetDirect(context, flag) : (await viaMaster()).agentsForFleetViaMaster(context, flag);
}

/** The agent of a node-wide command (agent recover): -n, else the only node. */
export async function agentForNode(context: CommandContext, flag: string | undefined): Promise<AgentConnection> {
  return context.direct ? (await direct()).agentForNodeDirect(context, flag) : (await viaMaster()).agentForNodeViaMaster(context, flag);
}
