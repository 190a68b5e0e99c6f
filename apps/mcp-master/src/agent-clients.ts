// Clients of the master to its agents: gRPC over TLS 1.3, agents verified against the platform CA and by the name
// their certificate carries (agent-<node> of the node registered at that address), the master presenting its own
// client certificate (mcp-master) and token; one transport per node and address.
import { createClient } from '@connectrpc/connect';
import { agentIdentityName, nodeNameFromIdentity, readPlainTokenFile } from '@mcp/auth';
import { McpAgentService } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { clientTlsOptions } from '@mcp/tls';
import type { SecureClientSessionOptions } from 'node:http2';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { AgentClient, AgentClients } from './deps.js';

export interface AgentClientsOptions {
  /** TLS options that verify agents against the platform CA. */
  readonly tls: SecureClientSessionOptions;
  /** The master's bearer token. */
  readonly token: string;
  /** Deadline of calls that set none, in ms. */
  readonly timeoutMs: number;
  /**
   * The node registered at an address. A call to it goes through only when the agent's certificate names
   * agent-<node>, so the master's credentials never reach another node's listener at that address; an address
   * no node holds needs a certificate naming some agent-<node>.
   */
  readonly nodeAt?: (address: string) => string | undefined;
}

/** The agent certificate check: the usual host name check, then the identity its subject CN names. */
export function agentIdentityCheck(node: string | undefined): (host: string, certificate: PeerCertificate) => Error | undefined {
  return (host, certificate) => {
    const hostProblem = checkServerIdentity(host, certificate);
    if (hostProblem !== undefined) return hostProblem;
    const name = certificate.subject?.CN;
    const expected = node === undefined ? undefined : agentIdentityName(node);
    if (expected !== undefined ? name !== expected : typeof name !== 'string' || nodeNameFromIdentity(name) === undefined) {
      return new Error(`the agent at ${host} presented a certificate for ${String(name)}, expected ${expected ?? 'agent-<node>'}`);
    }
    return undefined;
  };
}

/** A pool of clients keyed by address; a client keeps its HTTP/2 session between calls. */
export function createAgentClients(options: AgentClientsOptions): AgentClients {
  const clients = new Map<string, AgentClient>();
  return {
    forAddress(address) {
      const node = options.nodeAt?.(address);
      const key = `${node ?? ''}@${address}`;
      let client = clients.get(key);
      if (client === undefined) {
        const tls = options.nodeAt === undefined ? options.tls : { ...options.tls, checkServerIdentity: agentIdentityCheck(node) };
        const transport = createGrpcClientTransport({ address, tls, token: () => options.token, timeoutMs: options.timeoutMs });
        client = createClient(McpAgentService, transport);
        clients.set(key, client);
      }
      return client;
    },
    close: () => clients.clear(),
  };
}

/** Reads the master's own token (one line, `mcp_…`) from an owner-only file of the master's user. */
export function readMasterToken(path: string): Promise<string> {
  return readPlainTokenFile(path, { what: "the master's token file", key: 'agents.token_path' });
}

/** The pool as the master's config describes it: CA file, token file, client certificate, default timeout. */
export async function loadAgentClients(options: {
  caPath: string;
  tokenPath: string;
  timeoutMs: number;
  clientCertificate?: { certPath: string; keyPath: string };
  nodeAt?: (address: string) => string | undefined;
}): Promise<AgentClients> {
  const [tls, token] = await Promise.all([
    clientTlsOptions({ caPath: options.caPath, ...(options.clientCertificate ?? {}) }),
    readMasterToken(options.tokenPath),
  ]);
  return createAgentClients({ tls, token, timeoutMs: options.timeoutMs, ...(options.nodeAt === undefined ? {} : { nodeAt: options.nodeAt }) });
}
