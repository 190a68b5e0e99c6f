// Calls to mcp-master, the default way the CLI reaches the fleet: the address from `[master] address`, the same
// token and CA as every call, and every Connect error tagged with the RPC (errors.ts words the message).
import { ConnectError, createClient, type Client } from '@connectrpc/connect';
import { McpMasterService } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { describeConfigSource, type CliConfig } from './config.js';
import { loadCredentials, type Credentials } from './credentials.js';
import { CliError, exitCodes, MasterCallError } from './errors.js';

export type MasterClient = Client<typeof McpMasterService>;
/** An RPC of McpMasterService by its local name ("deploy", "listNodes", …). */
export type MasterMethod = keyof typeof McpMasterService.method;

export interface MasterConnection {
  /** The master's "host:port". */
  readonly address: string;
  /** The credentials of every call, so agents found through the master are called with the same ones. */
  readonly credentials: Credentials;
  /** Runs one RPC; a Connect error becomes a MasterCallError naming the master and the RPC. */
  call<T>(method: MasterMethod, run: (client: MasterClient) => Promise<T>): Promise<T>;
}

/** `[master] address`, or a usage error (exit 2) that says how to set it and that --direct works without it. */
export function requireMasterAddress(config: CliConfig): string {
  if (config.masterAddress !== undefined) return config.masterAddress;
  throw new CliError(
    'config',
    `no mcp-master to talk to: ${describeConfigSource(config)} has no [master] address; ` +
      'set address = "host:port" under [master], or pass --direct to talk to the agents of [[nodes]]',
    exitCodes.badInput,
  );
}

/** The master of the config: its address is checked before the token and CA are read. */
export async function connectMaster(config: CliConfig): Promise<MasterConnection> {
  const address = requireMasterAddress(config);
  return masterAt(address, await loadCredentials(config));
}

/** A connection to the master at `address`; `timeoutMs` bounds each call (none: calls wait for the answer). */
export function masterAt(address: string, credentials: Credentials, timeoutMs?: number): MasterConnection {
  const transport = createGrpcClientTransport({
    address,
    tls: credentials.tls,
    token: () => credentials.token,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  const client = createClient(McpMasterService, transport);
  return {
    address,
    credentials,
    async call(method, run) {
      try {
        return await run(client);
      } catch (error) {
        if (!(error instanceof ConnectError)) throw error;
        throw new MasterCallError(address, McpMasterService.method[method].name, error);
      }
    },
  };
}
