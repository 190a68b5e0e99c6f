// Which agent a command that needs one talks to: from `[[nodes]]` with --direct, else the one the master names.
import type { AgentConnection } from './agent-client.js';
import type { CommandContext } from './context.js';
import { agentForNodeDirect, agentForServiceDirect, agentsForFleetDirect, type ServiceAgentOptions } from './direct-mode.js';
import { agentForNodeViaMaster, agentForServiceViaMaster, agentsForFleetViaMaster } from './master-directory.js';

export type { ServiceAgentOptions } from './direct-mode.js';

/** The agent of the node that runs `service` (--direct: -n, the definition's node, the only node; else the master's placement). */
export function agentForService(context: CommandContext, options: ServiceAgentOptions): Promise<AgentConnection> {
  return context.direct ? agentForServiceDirect(context, options) : agentForServiceViaMaster(context, options.service, options.flag);
}

/** The agents a fleet-wide command asks: -n, else every node (of `[[nodes]]`, or that the master knows). */
export function agentsForFleet(context: CommandContext, flag: string | undefined): Promise<AgentConnection[]> {
  return context.direct ? agentsForFleetDirect(context, flag) : agentsForFleetViaMaster(context, flag);
}

/** The agent of a node-wide command (agent recover): -n, else the only node. */
export function agentForNode(context: CommandContext, flag: string | undefined): Promise<AgentConnection> {
  return context.direct ? agentForNodeDirect(context, flag) : agentForNodeViaMaster(context, flag);
}
