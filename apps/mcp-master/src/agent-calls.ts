// Calls from the master to agents: naming the node in errors, telling "unreachable" apart, and asking many in parallel.
import { Code, ConnectError } from '@connectrpc/connect';
import type { AgentClient, MasterDeps, NodeRecord } from './deps.js';

/** `node rift (10.0.0.2:9444)`: how messages name an agent. */
export function agentName(node: Pick<NodeRecord, 'name' | 'address'>): string {
  return `node ${node.name} (${node.address})`;
}

/** The agent could not be reached or did not answer in time: nothing is known of what it did. */
export function isUnreachable(error: unknown): boolean {
  const code = ConnectError.from(error).code;
  return code === Code.Unavailable || code === Code.DeadlineExceeded;
}

export type AgentAnswer<T> =
  | { readonly node: NodeRecord; readonly ok: true; readonly value: T }
  | { readonly node: NodeRecord; readonly ok: false; readonly error: string };

export interface AgentCallOptions {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/**
 * Asks every node's agent at once and gives each at most `deps.agentTimeoutMs`; a node that fails or does not
 * answer in time becomes an error answer, so one dead agent never stalls the rest. Answers are in node order.
 */
export function askEveryAgent<T>(
  deps: Pick<MasterDeps, 'agents' | 'agentTimeoutMs'>,
  nodes: readonly NodeRecord[],
  ask: (client: AgentClient, options: AgentCallOptions) => Promise<T>,
): Promise<AgentAnswer<T>[]> {
  return Promise.all(nodes.map((node) => askOneAgent(deps, node, ask)));
}

async function askOneAgent<T>(
  deps: Pick<MasterDeps, 'agents' | 'agentTimeoutMs'>,
  node: NodeRecord,
  ask: (client: AgentClient, options: AgentCallOptions) => Promise<T>,
): Promise<AgentAnswer<T>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The call's own deadline normally fires first; this guard also covers a transport that ignores it.
  const deadline = new Promise<AgentAnswer<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ node, ok: false, error: `${agentName(node)} did not answer within ${deps.agentTimeoutMs} ms` });
    }, deps.agentTimeoutMs + 50);
  });
  const answer = (async (): Promise<AgentAnswer<T>> => {
    try {
      const client = deps.agents.forAddress(node.address);
      return { node, ok: true, value: await ask(client, { signal: controller.signal, timeoutMs: deps.agentTimeoutMs }) };
    } catch (error) {
      const connectError = ConnectError.from(error);
      let why = `failed: ${connectError.message}`;
      if (connectError.code === Code.DeadlineExceeded) why = `did not answer within ${deps.agentTimeoutMs} ms`;
      else if (connectError.code === Code.Unavailable) why = `is unreachable: ${connectError.rawMessage}`;
      return { node, ok: false, error: `${agentName(node)} ${why}` };
    }
  })();
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
