// Writes the `mcp` CLI config of a local fleet (D/mcp.toml): services dir, master, token, CA, and the agents for --direct.
import { writeFile } from 'node:fs/promises';

export interface CliConfigOptions {
  /** Where mcp.toml goes. */
  path: string;
  /** The fleet directory, named in the file's comment. */
  fleetDir: string;
  servicesDir: string;
  masterAddress: string;
  /** The operator's plain token file. */
  tokenPath: string;
  caPath: string;
  /** Every agent, for `--direct`. */
  nodes: readonly { name: string; address: string }[];
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

export async function writeCliConfig(options: CliConfigOptions): Promise<void> {
  const lines = [
    `# Written by \`mcp dev up\` for the local fleet in ${options.fleetDir}.`,
    `# Use it with: MCP_CONFIG=${options.path} mcp <command>   (or mcp --config ${options.path} …)`,
    '[services]',
    `dir = ${tomlString(options.servicesDir)}`,
    '',
    '[master]',
    `address = ${tomlString(options.masterAddress)}`,
    '',
    '[auth]',
    `token_path = ${tomlString(options.tokenPath)}`,
    '',
    '[tls]',
    `ca_cert = ${tomlString(options.caPath)}`,
    '',
    '# The agents themselves, for --direct (when the master is down).',
    ...options.nodes.flatMap((node) => ['[[nodes]]', `name = ${tomlString(node.name)}`, `address = ${tomlString(node.address)}`, '']),
  ];
  await writeFile(options.path, lines.join('\n'));
}
