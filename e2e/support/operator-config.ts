// The operator's side of a test fleet: the operator token in an owner-only file and an `mcp.toml` naming it, the
// fleet's CA, the services directory, the master and the nodes, as an operator writes them for the built CLI.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface OperatorConfigOptions {
  /** Where the token file and the config are written. */
  readonly dir: string;
  readonly operatorToken: string;
  /** The CA the daemons' certificates chain to (`[tls] ca_cert`). */
  readonly caCertPath: string;
  readonly servicesDir?: string;
  readonly masterAddress?: string;
  readonly nodes?: readonly { readonly node: string; readonly address: string }[];
  /** More TOML lines, e.g. a `[build]` section. */
  readonly extra?: readonly string[];
  /** File names in `dir`; default `mcp.toml` and `operator.token`. */
  readonly configName?: string;
  readonly tokenName?: string;
}

/** Writes the token file (0600) and the config; returns the config's path. */
export async function writeOperatorConfig(options: OperatorConfigOptions): Promise<string> {
  const tokenPath = join(options.dir, options.tokenName ?? 'operator.token');
  await writeFile(tokenPath, `${options.operatorToken}\n`, { mode: 0o600 });
  const configPath = join(options.dir, options.configName ?? 'mcp.toml');
  const lines = [
    ...(options.servicesDir === undefined ? [] : ['[services]', `dir = "${options.servicesDir}"`]),
    ...(options.masterAddress === undefined ? [] : ['[master]', `address = "${options.masterAddress}"`]),
    ...(options.extra ?? []),
    '[auth]',
    `token_path = "${tokenPath}"`,
    '[tls]',
    `ca_cert = "${options.caCertPath}"`,
    ...(options.nodes ?? []).flatMap((node) => ['[[nodes]]', `name = "${node.node}"`, `address = "${node.address}"`]),
    '',
  ];
  await writeFile(configPath, lines.join('\n'));
  return configPath;
}
