// Connections to agents: a capability check before each RPC,
// and every Connect error tagged with the node, its address and the RPC (errors.ts words the message).
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { McpAgentService, type NodeStatusResponse } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import type { NodeEntry } from './config.js';
import type { Credentials } from './credentials.js';
import { AgentCallError, AgentLacksError } from './errors.js';

export type AgentClient = Client<typeof McpAgentService>;
/** An RPC of McpAgentService by its local name ("deploy", "logs", …). */
export type AgentMethod = keyof typeof McpAgentService.method;

export interface AgentConnection {
  readonly node: NodeEntry;
  /**
   * Runs one RPC (streams are consumed inside `run`). Unless it is NodeStatus, the agent's capabilities
   * are checked first, so an older agent is reported by name instead of answering Unimplemented.
   */
  call<T>(method: AgentMethod, run: (client: AgentClient) => Promise<T>): Promise<T>;
  /** Whether the agent implements `method`; true when the agent does not report its capabilities. */
  has(method: AgentMethod): Promise<boolean>;
}

/** NodeStatus answers quickly; a node that does not is down, whatever the command would have done. */
const statusTimeoutMs = 15_000;

export function connectAgent(node: NodeEntry, credentials: Credentials): AgentConnection {
  const transport = createGrpcClientTransport({ address: node.address, tls: credentials.tls, token: () => credentials.token });
  const client = createClient(McpAgentService, transport);
  const tagged = async <T>(method: AgentMethod, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ConnectError)) throw error;
      const target = { node: node.name, address: node.address, rpc: McpAgentService.method[method].name };
      throw new AgentCallError(target, error);
    }
  };
  let status: Promise<NodeStatusResponse | undefined> | undefined;
  // An agent older than NodeStatus cannot say what it has; its calls go ahead and may answer Unimplemented.
  const nodeStatus = () =>
    (status ??= tagged('nodeStatus', () => client.nodeStatus({}, { timeoutMs: statusTimeoutMs })).catch((error: unknown) => {
      if (error instanceof AgentCallError && error.connectError.code === Code.Unimplemented) return undefined;
      throw error;
    }));
  const has = async (method: AgentMethod): Promise<boolean> => {
    const answer = await nodeStatus();
    if (answer === undefined || answer.capabilities.length === 0) return true;
    return answer.capabilities.includes(McpAgentService.method[method].name);
  };
  return {
    node,
    has,
    async call(method, run) {
      if (method !== 'nodeStatus' && !(await has(method))) {
        const answer = await nodeStatus();
        throw new AgentLacksError(node.name, node.address, answer?.agentVersion ?? '', [McpAgentService.method[method].name]);
      }
      return tagged(method, () => run(client));
    },
  };
}
