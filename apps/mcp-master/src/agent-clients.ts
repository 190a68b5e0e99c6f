// Clients of the master to its agents: gRPC over TLS 1.3, agents verified against the platform CA,
// every call carrying the master's token (identity mcp-master); one transport per agent address.
import { createClient } from '@connectrpc/connect';
import { McpAgentService } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { clientTlsOptions } from '@mcp/tls';
import { readFile } from 'node:fs/promises';
import type { SecureClientSessionOptions } from 'node:http2';
import type { AgentClient, AgentClients } from './deps.js';

export interface AgentClientsOptions {
  /** TLS options that verify agents against the platform CA. */
  readonly tls: SecureClientSessionOptions;
  /** The master's bearer token. */
  readonly token: string;
  /** Deadline of calls that set none, in ms. */
  readonly timeoutMs: number;
}

/** A pool of clients keyed by address; a client keeps its HTTP/2 session between calls. */
export function createAgentClients(options: AgentClientsOptions): AgentClients {
  const clients = new Map<string, AgentClient>();
  return {
    forAddress(address) {
      let client = clients.get(address);
      if (client === undefined) {
        const transport = createGrpcClientTransport({ address, tls: options.tls, token: () => options.token, timeoutMs: options.timeoutMs });
        client = createClient(McpAgentService, transport);
        clients.set(address, client);
      }
      return client;
    },
    close: () => clients.clear(),
  };
}

/** Reads the master's own token (one line, `mcp_…`); a missing or empty file is an error naming it. */
export async function readMasterToken(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the master's token file ${path} (agents.token_path): ${(error as Error).message}`, { cause: error });
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token)) {
    throw new Error(`the master's token file ${path} (agents.token_path) must hold one token on one line`);
  }
  return token;
}

/** The pool as the master's config describes it: CA file, token file, default timeout. */
export async function loadAgentClients(options: { caPath: string; tokenPath: string; timeoutMs: number }): Promise<AgentClients> {
  const [tls, token] = await Promise.all([clientTlsOptions({ caPath: options.caPath }), readMasterToken(options.tokenPath)]);
  return createAgentClients({ tls, token, timeoutMs: options.timeoutMs });
}
