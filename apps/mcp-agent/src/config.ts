// The agent's configuration: TOML file + MCP_AGENT_* (and the Go MCP's MCP_MASTER_*) variables →
// validated, frozen, typed. The only module of the agent that reads process.env.
import { homedir } from 'node:os';
import {
  ConfigError,
  boolean,
  configProblem,
  integer,
  loadConfigFile,
  optionalString,
  path,
  string,
  withEnvPrefix,
  type ConfigOf,
  type ConfigProblem,
} from '@mcp/config';
import type { NodeRole } from './deps.js';
import { parseListenAddress, type ListenAddress } from './listen-address.js';

const nodeName = /^[a-z][a-z0-9-]{0,62}$/;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Every key the agent reads; `describeSchema(agentConfigSchema)` renders the README's table. */
export const agentConfigSchema = withEnvPrefix(
  {
    node: {
      name: string({ doc: "this node's name (lower-case letters, digits, '-')", pattern: nodeName, patternText: 'a node name' }),
      role: string<NodeRole>({ doc: 'master, worker or edge', default: 'worker', oneOf: ['master', 'worker', 'edge'] }),
      address: optionalString({ doc: 'address others reach this node at (default: the host of server.listen)' }),
    },
    server: {
      listen: string({ doc: 'host:port to serve gRPC on (the overlay address)', nonEmpty: true }),
      allow_wildcard: boolean({ doc: 'allow listening on 0.0.0.0 / ::', default: false }),
      tls_cert: path({ doc: 'certificate chain presented to clients (PEM, leaf first)' }),
      tls_key: path({ doc: 'private key of tls_cert (PEM)' }),
    },
    auth: {
      token_file: path({ doc: 'local token file: SHA-256 hashes of tokens → identity, account, roles' }),
    },
    data: {
      dir: path({ doc: 'state: registry.db, the podman socket the agent starts, VM state', default: '/var/lib/mcp-agent' }),
    },
    files: {
      root: path({ doc: 'root of the service directories (`<root>/<service>/`)', default: '/srv' }),
      max_file_bytes: integer({ doc: 'largest file PushFile/PullFile move, in bytes', default: 64 * 1024 * 1024, min: 1 }),
    },
    podman: {
      socket: path({ doc: "podman's API socket; when absent the agent starts `podman system service` on <data.dir>/podman.sock", optional: true }),
    },
    ports: {
      first: integer({ doc: 'lowest host port handed to routes', default: 10000, min: 1, max: 65535 }),
      last: integer({ doc: 'highest host port handed to routes', default: 60000, min: 1, max: 65535 }),
    },
    master: {
      address: optionalString({ doc: "mcp-master's host:port; when set the agent registers and heartbeats", env: 'MCP_MASTER_ADDRESS' }),
      ca_cert: path({ doc: 'CA that the master\'s certificate must chain to', optional: true, env: 'MCP_MASTER_CA_CERT' }),
      token_path: path({ doc: "file holding this agent's token (identity agent-<node>) for the master", optional: true, env: 'MCP_MASTER_TOKEN_PATH' }),
    },
    log: {
      level: string<LogLevel>({ doc: 'pino log level', default: 'info', oneOf: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] }),
    },
  },
  'MCP_AGENT',
);

type Raw = ConfigOf<typeof agentConfigSchema>;

export interface AgentConfig {
  /** The file the values came from. */
  readonly file: string;
  readonly node: { readonly name: string; readonly role: Raw['node']['role']; readonly address: string };
  readonly listen: ListenAddress;
  readonly tls: { readonly certPath: string; readonly keyPath: string };
  readonly tokenFile: string;
  readonly dataDir: string;
  readonly registryPath: string;
  readonly filesRoot: string;
  readonly maxFileBytes: number;
  /** Undefined: the agent starts its own podman service. */
  readonly podmanSocket: string | undefined;
  readonly ports: { readonly first: number; readonly last: number };
  readonly logLevel: Raw['log']['level'];
  /** Where to register; undefined: this agent runs without a master. */
  readonly master: { readonly address: string; readonly caPath: string; readonly tokenPath: string } | undefined;
}

/** The variables that pick the config file. */
export function configPathFromEnvironment(env: Readonly<Record<string, string | undefined>>): string {
  return env['MCP_AGENT_CONFIG'] || '/etc/mcp/agent.toml';
}

function derive(raw: Raw, file: string): AgentConfig {
  const problems: ConfigProblem[] = [];
  const listen = parseListenAddress(raw.server.listen, { allowWildcard: raw.server.allow_wildcard });
  if (!listen.ok) problems.push(configProblem(file, 'server.listen', listen.problem, 'host:port on a specific address'));
  if (raw.ports.first > raw.ports.last) {
    problems.push(configProblem(file, 'ports', `first (${raw.ports.first}) is above last (${raw.ports.last})`, 'first ≤ last'));
  }
  const { address, ca_cert: caPath, token_path: tokenPath } = raw.master;
  if (address !== undefined) {
    if (caPath === undefined) problems.push(configProblem(file, 'master.ca_cert', 'missing while master.address is set', 'a path'));
    if (tokenPath === undefined) problems.push(configProblem(file, 'master.token_path', 'missing while master.address is set', 'a path'));
  }
  if (!listen.ok || problems.length > 0) throw new ConfigError(problems);
  const master =
    address !== undefined && caPath !== undefined && tokenPath !== undefined
      ? Object.freeze({ address, caPath, tokenPath })
      : undefined;
  return Object.freeze({
    file,
    node: Object.freeze({ name: raw.node.name, role: raw.node.role, address: raw.node.address ?? listen.address.host }),
    listen: Object.freeze(listen.address),
    tls: Object.freeze({ certPath: raw.server.tls_cert, keyPath: raw.server.tls_key }),
    tokenFile: raw.auth.token_file,
    dataDir: raw.data.dir,
    registryPath: `${raw.data.dir}/registry.db`,
    filesRoot: raw.files.root,
    maxFileBytes: raw.files.max_file_bytes,
    podmanSocket: raw.podman.socket,
    ports: Object.freeze({ first: raw.ports.first, last: raw.ports.last }),
    logLevel: raw.log.level,
    master,
  });
}

/** Loads the agent's config from `path` (required), with environment overrides. */
export async function loadAgentConfig(options: {
  path: string;
  env: Readonly<Record<string, string | undefined>>;
  homedir?: string;
}): Promise<AgentConfig> {
  const { config } = await loadConfigFile(agentConfigSchema, {
    path: options.path,
    required: true,
    env: options.env,
    homedir: options.homedir ?? homedir(),
  });
  return derive(config, options.path);
}

/** Reads the process environment: the agent's only access to process.env. */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
