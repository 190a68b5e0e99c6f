// The CLI's configuration: which file to read (--config, MCP_CONFIG, default) and the typed result.
// The only module that reads process.env.
import { ConfigError, configProblem, resolvePath } from '@mcp/config';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCliConfig } from './config-parse.js';

/** An agent the CLI can reach with --direct (`[[nodes]]`). */
export interface NodeEntry {
  /** `name`: the node's name (lower-case letters, digits, '-'). Required. */
  readonly name: string;
  /** `address`: the agent's "host:port". Required. */
  readonly address: string;
}

/** `[mcias]`: the platform's identity service. */
export interface MciasSettings {
  /** `server_url`: https URL of MCIAS. Required when the section is present. */
  readonly serverUrl: string;
  /** `service_name`: the name this CLI presents to MCIAS. Default "mcp". */
  readonly serviceName: string;
}

/**
 * The validated, frozen CLI config. Paths are absolute: `~` is the home directory and a
 * relative path is resolved against the directory of the config file that names it.
 */
export interface CliConfig {
  /** The file the values came from; undefined when no file exists and every default applies. */
  readonly file: string | undefined;
  /** `[services] dir`: one `<name>.toml` per service. Default `~/.config/mcp/services`. */
  readonly servicesDir: string;
  /** `[master] address`: mcp-master's "host:port". Default: none (only --direct works). */
  readonly masterAddress: string | undefined;
  /** `[[nodes]]`: agents reachable with --direct. Default: none. */
  readonly nodes: readonly NodeEntry[];
  /** `[auth] token_path`: file holding the bearer token (written by `mcp login`). Default `~/.config/mcp/token`. */
  readonly tokenPath: string;
  /** `[mcias]`: default none (the token file is the only credential). */
  readonly mcias: MciasSettings | undefined;
  /** `[tls] ca_cert`: PEM CA bundle that servers are verified against. Default: none (Node's roots). */
  readonly caCertPath: string | undefined;
  /** `[build] workspace`: where service sources live for `mcp build`. Default: none. */
  readonly buildWorkspace: string | undefined;
  /** Unknown keys the file has, ignored (`<file>: <key>: unknown key, ignored (…)`); the CLI prints them on stderr. */
  readonly warnings: readonly string[];
}

/** The environment variables the CLI reads. */
export interface CliEnvironment {
  /** Path of the config file; overrides the default, overridden by --config. */
  readonly MCP_CONFIG?: string | undefined;
  /** The editor `mcp service edit` runs (VISUAL first, then EDITOR, else vi), through `sh -c` so it may carry arguments. */
  readonly VISUAL?: string | undefined;
  readonly EDITOR?: string | undefined;
}

/** Reads the CLI's environment variables from the process (the only reader of process.env). */
export function readEnvironment(): CliEnvironment {
  return { MCP_CONFIG: process.env['MCP_CONFIG'], VISUAL: process.env['VISUAL'], EDITOR: process.env['EDITOR'] };
}

/**
 * The environment of the daemons `mcp dev up` starts: this process's, without any MCP_* variable, so that an
 * operator's MCP_MASTER_ADDRESS (read by agents) or MCP_CONFIG never points a dev fleet at a real one.
 */
export function daemonEnvironment(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MCP_')));
}

export interface ConfigSources {
  /** --config, when given. */
  readonly flag: string | undefined;
  readonly env: CliEnvironment;
  readonly cwd: string;
  readonly homedir: string;
}

/** Which config file applies: --config, else MCP_CONFIG, else `~/.config/mcp/mcp.toml`. */
export function locateConfig(sources: ConfigSources): { path: string; explicit: boolean } {
  const named = nonEmpty(sources.flag) ?? nonEmpty(sources.env.MCP_CONFIG);
  if (named !== undefined) return { path: resolvePath(named, { baseDir: sources.cwd, homedir: sources.homedir }), explicit: true };
  return { path: join(sources.homedir, '.config', 'mcp', 'mcp.toml'), explicit: false };
}

/** Loads the applicable config; a missing default file means defaults, a missing named file is an error. */
export async function loadCliConfig(sources: ConfigSources): Promise<CliConfig> {
  const { path, explicit } = locateConfig(sources);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error) && !explicit) return defaultCliConfig(sources.homedir);
    const reason = isNotFound(error) ? 'config file not found' : `cannot read config file (${describe(error)})`;
    const expected = 'a readable TOML file (named by --config or MCP_CONFIG)';
    throw new ConfigError([configProblem(path, '', reason, expected)], { cause: error });
  }
  return parseCliConfig(text, { file: path, homedir: sources.homedir });
}

/** The config used when no file exists. */
export function defaultCliConfig(homedir: string): CliConfig {
  return parseCliConfig('', { file: undefined, homedir });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How messages name the config: its path, or a note that none was found. */
export function describeConfigSource(config: CliConfig): string {
  return config.file ?? 'the CLI config (no file found: every default applies)';
}
