// Mints the tokens of a local fleet into one token file: the operator, the master, one per agent.
import { addTokenToFile, agentIdentityName, masterIdentityName } from '@mcp/auth';
import { writeFile } from 'node:fs/promises';

export interface FleetTokens {
  /** A human operator token (`mcp` CLI). */
  readonly operator: string;
  /** The master's token for calling agents. */
  readonly master: string;
  /** Each agent's token for calling the master, by node name. */
  readonly agents: Readonly<Record<string, string>>;
}

/** Adds the fleet's identities to `tokenFile` and writes each plain token to `<tokenFile>.<who>` (0600). */
export async function mintFleetTokens(options: {
  tokenFile: string;
  operator: string;
  nodes: readonly string[];
}): Promise<FleetTokens> {
  const operator = await addTokenToFile(options.tokenFile, { name: options.operator, account: 'human', roles: ['admin'] });
  const master = await addTokenToFile(options.tokenFile, { name: masterIdentityName, account: 'system', roles: [] });
  const agents: Record<string, string> = {};
  for (const node of options.nodes) {
    agents[node] = await addTokenToFile(options.tokenFile, { name: agentIdentityName(node), account: 'system', roles: [] });
  }
  return { operator, master, agents };
}

/** Writes a plain token for a client to read (`[auth] token_path`), owner-only. */
export async function writeTokenForClient(path: string, token: string): Promise<void> {
  await writeFile(path, `${token}\n`, { mode: 0o600 });
}
