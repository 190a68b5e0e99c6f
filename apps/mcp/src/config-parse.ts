// Turns the text of mcp.toml into a validated, frozen CliConfig through @mcp/config's schema checks.
import { isValidNodeName, NODE_NAME_EXPECTED } from '@mcp/auth';
import { optionalString, parseConfig, path, string, tables, type Field, type Parsed } from '@mcp/config';
import { dirname } from 'node:path';
import type { CliConfig, MciasSettings, NodeEntry } from './config.js';

export interface ParseConfigOptions {
  /** The file the text came from (relative paths resolve against its directory); undefined for defaults. */
  readonly file: string | undefined;
  readonly homedir: string;
}

// host:port with a DNS name, an IPv4 address or a bracketed IPv6 address.
const addressPattern = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

/**
 * Every key of mcp.toml. Built per parse: the node-name field remembers the names it has seen, so a
 * name listed twice is reported in the same pass as every other problem.
 */
function cliConfigSchema() {
  return {
    services: { dir: path({ doc: 'one <name>.toml per service', default: '~/.config/mcp/services' }) },
    master: { address: optional(address('mcp-master')) },
    nodes: tables('agents reachable with --direct', {
      name: uniqueNodeName(new Set()),
      address: address('the agent'),
      // The Go MCP's CLI files carry these; accepted so its mcp.toml works here, and unused.
      ssh: optionalString({ doc: 'ssh destination of the node (Go MCP; unused)' }),
      arch: optionalString({ doc: 'CPU architecture of the node (Go MCP; unused)' }),
    }),
    auth: { token_path: path({ doc: 'bearer token file (written by `mcp login`)', default: '~/.config/mcp/token' }) },
    mcias: {
      server_url: optional(httpsUrl()),
      service_name: string({ doc: 'name presented to MCIAS', default: 'mcp', nonEmpty: true }),
    },
    tls: { ca_cert: path({ doc: 'PEM bundle servers are verified against', optional: true }) },
    build: { workspace: path({ doc: 'where service sources live for `mcp build`', optional: true }) },
  };
}

/** Parses and validates mcp.toml; throws @mcp/config's ConfigError listing every problem in the file. */
export function parseCliConfig(text: string, options: ParseConfigOptions): CliConfig {
  const { config: raw, warnings } = parseConfig(cliConfigSchema(), {
    // A UTF-8 byte-order mark is legal in a file but not in TOML's grammar.
    text: text.replace(/^\uFEFF/, ''),
    source: options.file ?? '(defaults)',
    // The CLI's keys have no environment overrides: config.ts reads only MCP_CONFIG.
    env: {},
    homedir: options.homedir,
    baseDir: options.file === undefined ? options.homedir : dirname(options.file),
  });
  const nodes: NodeEntry[] = raw.nodes.map((node) => ({ name: node.name, address: node.address }));
  const mcias: MciasSettings | undefined =
    raw.mcias.server_url === undefined ? undefined : { serverUrl: raw.mcias.server_url, serviceName: raw.mcias.service_name };
  return deepFreeze({
    file: options.file,
    servicesDir: raw.services.dir,
    masterAddress: raw.master.address,
    nodes,
    tokenPath: raw.auth.token_path,
    mcias,
    caCertPath: raw.tls.ca_cert,
    buildWorkspace: raw.build.workspace,
    warnings: warnings.map((warning) => warning.message),
  });
}

// A string field of the lib, narrowed further by `check` (which returns the problem, or undefined).
function checkedString(doc: string, expected: string, check: (text: string) => string | undefined): Field<string> {
  const base = string({ doc, nonEmpty: true });
  const parse = (value: unknown, context: Parameters<Field<string>['parse']>[1]): Parsed<string> => {
    const parsed = base.parse(value, context);
    if (!parsed.ok) return parsed;
    const problem = check(parsed.value);
    return problem === undefined ? parsed : { ok: false, what: problem };
  };
  return { ...base, expected, parse, parseEnv: parse };
}

function optional(field: Field<string>): Field<string | undefined> {
  return { ...field, optional: true };
}

function address(what: string): Field<string> {
  return checkedString(`"host:port" of ${what}`, 'an address "host:port" with a port from 1 to 65535', (text) => {
    const port = addressPattern.exec(text)?.[1];
    const valid = port !== undefined && Number(port) >= 1 && Number(port) <= 65535;
    return valid ? undefined : `"${text}" is not a host:port address`;
  });
}

function httpsUrl(): Field<string> {
  return checkedString('https URL of MCIAS', 'an https:// URL', (text) =>
    URL.canParse(text) && new URL(text).protocol === 'https:' ? undefined : `"${text}" is not an https URL`,
  );
}

function uniqueNodeName(seen: Set<string>): Field<string> {
  return checkedString("the node's name", `${NODE_NAME_EXPECTED}, each listed once`, (name) => {
    if (!isValidNodeName(name)) return `"${name}" is not a valid node name`;
    if (seen.has(name)) return `node "${name}" is listed twice`;
    seen.add(name);
    return undefined;
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
