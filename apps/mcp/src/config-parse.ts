// Turns the text of mcp.toml into a validated, frozen CliConfig, reporting every problem at once.
import { parse } from '@iarna/toml';
import { dirname, join, resolve } from 'node:path';
import type { CliConfig, MciasSettings, NodeEntry } from './config.js';
import { ConfigError, type ConfigProblem } from './errors.js';

export interface ParseConfigOptions {
  /** The file the text came from (relative paths resolve against its directory); undefined for defaults. */
  readonly file: string | undefined;
  readonly homedir: string;
}

const sectionKeys = {
  services: ['dir'],
  master: ['address'],
  nodes: ['name', 'address'],
  auth: ['token_path'],
  mcias: ['server_url', 'service_name'],
  tls: ['ca_cert'],
  build: ['workspace'],
} as const;

const nodeNamePattern = /^[a-z][a-z0-9-]{0,62}$/;
// host:port with a DNS name, an IPv4 address or a bracketed IPv6 address.
const addressPattern = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

/** Parses and validates mcp.toml; throws ConfigError listing every problem in the file. */
export function parseCliConfig(text: string, options: ParseConfigOptions): CliConfig {
  const file = options.file ?? '(defaults)';
  const problems: ConfigProblem[] = [];
  const report = (keyPath: string, problem: string, expected: string, line?: number): void => {
    const where = keyPath === '' ? '' : `${keyPath}: `;
    const at = line === undefined ? '' : ` (line ${line})`;
    const message = `${file}: ${where}${problem}; expected ${expected}${at}`;
    problems.push(line === undefined ? { file, keyPath, expected, message } : { file, keyPath, expected, message, line });
  };

  let document: Record<string, unknown>;
  try {
    // A UTF-8 byte-order mark is legal in a file but not in TOML's grammar.
    document = parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    report('', `invalid TOML: ${syntaxReason(error)}`, 'a valid TOML document', syntaxLine(error));
    throw new ConfigError(file, problems, { cause: error });
  }

  const baseDir = options.file === undefined ? options.homedir : dirname(options.file);
  const fields = createFieldReader(report, (path) => resolve(baseDir, expandHome(path, options.homedir)));
  const defaultsDir = join(options.homedir, '.config', 'mcp');

  refuseUnknown(document, '', Object.keys(sectionKeys), 'section', report);
  const services = fields.table(document['services'], 'services', sectionKeys.services);
  const master = fields.table(document['master'], 'master', sectionKeys.master);
  const auth = fields.table(document['auth'], 'auth', sectionKeys.auth);
  const mciasTable = fields.table(document['mcias'], 'mcias', sectionKeys.mcias);
  const tls = fields.table(document['tls'], 'tls', sectionKeys.tls);
  const build = fields.table(document['build'], 'build', sectionKeys.build);

  const config: CliConfig = {
    file: options.file,
    servicesDir: fields.path(services?.['dir'], 'services.dir') ?? join(defaultsDir, 'services'),
    masterAddress: fields.address(master?.['address'], 'master.address'),
    nodes: readNodes(document['nodes'], fields, report),
    tokenPath: fields.path(auth?.['token_path'], 'auth.token_path') ?? join(defaultsDir, 'token'),
    mcias: readMcias(mciasTable, fields, report),
    caCertPath: fields.path(tls?.['ca_cert'], 'tls.ca_cert'),
    buildWorkspace: fields.path(build?.['workspace'], 'build.workspace'),
  };
  if (problems.length > 0) throw new ConfigError(file, inFileOrder(problems, Object.keys(document)));
  return deepFreeze(config);
}

type Report = (keyPath: string, problem: string, expected: string, line?: number) => void;
type FieldReader = ReturnType<typeof createFieldReader>;

// Each reader returns undefined for an absent value and reports (then returns undefined) for a wrong one.
function createFieldReader(report: Report, resolvePath: (path: string) => string) {
  const string = (value: unknown, keyPath: string, expected: string): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      report(keyPath, `is ${describeValue(value)}`, expected);
      return undefined;
    }
    return value;
  };
  return {
    table(value: unknown, keyPath: string, known: readonly string[]): Record<string, unknown> | undefined {
      if (value === undefined) return undefined;
      if (!isTable(value)) {
        report(keyPath, `is ${describeValue(value)}`, `a table [${keyPath}]`);
        return undefined;
      }
      refuseUnknown(value, keyPath, known, 'key', report);
      return value;
    },
    string,
    path(value: unknown, keyPath: string): string | undefined {
      const path = string(value, keyPath, 'a non-empty path string');
      return path === undefined ? undefined : resolvePath(path);
    },
    address(value: unknown, keyPath: string): string | undefined {
      const expected = 'an address "host:port" with a port from 1 to 65535';
      const address = string(value, keyPath, expected);
      if (address === undefined) return undefined;
      const port = addressPattern.exec(address)?.[1];
      if (port === undefined || Number(port) < 1 || Number(port) > 65535) {
        report(keyPath, `"${address}" is not a host:port address`, expected);
        return undefined;
      }
      return address;
    },
  };
}

function readNodes(value: unknown, fields: FieldReader, report: Report): NodeEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report('nodes', `is ${describeValue(value)}`, 'an array of tables [[nodes]]');
    return [];
  }
  const nodes: NodeEntry[] = [];
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const at = `nodes[${index}]`;
    const table = fields.table(entry, at, sectionKeys.nodes);
    if (table === undefined) return;
    const expectedName = 'a node name of lower-case letters, digits and "-", starting with a letter, at most 63 characters';
    const name = fields.string(table['name'], `${at}.name`, expectedName);
    const address = fields.address(table['address'], `${at}.address`);
    if (table['name'] === undefined) report(`${at}.name`, 'is missing', expectedName);
    if (table['address'] === undefined) report(`${at}.address`, 'is missing', 'an address "host:port"');
    if (name !== undefined && !nodeNamePattern.test(name)) {
      report(`${at}.name`, `"${name}" is not a valid node name`, expectedName);
    } else if (name !== undefined && seen.has(name)) {
      report(`${at}.name`, `node "${name}" is listed twice`, 'each node name once');
    }
    if (name !== undefined) seen.add(name);
    if (name !== undefined && address !== undefined) nodes.push({ name, address });
  });
  return nodes;
}

function readMcias(table: Record<string, unknown> | undefined, fields: FieldReader, report: Report): MciasSettings | undefined {
  if (table === undefined) return undefined;
  const expectedUrl = 'an https:// URL';
  const serverUrl = fields.string(table['server_url'], 'mcias.server_url', expectedUrl);
  const serviceName = fields.string(table['service_name'], 'mcias.service_name', 'a non-empty string') ?? 'mcp';
  if (table['server_url'] === undefined) report('mcias.server_url', 'is missing', expectedUrl);
  if (serverUrl === undefined) return undefined;
  if (!isHttpsUrl(serverUrl)) {
    report('mcias.server_url', `"${serverUrl}" is not an https URL`, expectedUrl);
    return undefined;
  }
  return { serverUrl, serviceName };
}

// Sections are checked one by one; report problems in the order their sections appear in the file.
function inFileOrder(problems: readonly ConfigProblem[], sections: readonly string[]): ConfigProblem[] {
  const rank = (problem: ConfigProblem) => sections.indexOf(problem.keyPath.split(/[.[]/)[0] ?? '');
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

function refuseUnknown(table: Record<string, unknown>, keyPath: string, known: readonly string[], kind: string, report: Report): void {
  const expected = `one of ${known.map((key) => `"${key}"`).join(', ')}`;
  for (const key of Object.keys(table)) {
    if (!known.includes(key)) report(keyPath === '' ? key : `${keyPath}.${key}`, `unknown ${kind}`, expected);
  }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isHttpsUrl(text: string): boolean {
  return URL.canParse(text) && new URL(text).protocol === 'https:';
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'an empty string' : `a string "${value}"`;
  if (typeof value === 'number') return Number.isInteger(value) ? `an integer ${value}` : `a float ${value}`;
  if (typeof value === 'boolean') return `a boolean ${value}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  return 'a table';
}

// @iarna/toml reports a 0-based row and a message ending in an excerpt of the file; keep the sentence.
function syntaxLine(error: unknown): number | undefined {
  const line = typeof error === 'object' && error !== null && 'line' in error ? error.line : undefined;
  return typeof line === 'number' ? line + 1 : undefined;
}

function syntaxReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).replace(/ at row \d+, col \d+, pos \d+:?$/, '');
}

/** `~` and `~/x` mean the home directory; anything else is returned unchanged. */
export function expandHome(path: string, homedir: string): string {
  if (path === '~') return homedir;
  if (path.startsWith('~/')) return join(homedir, path.slice(2));
  return path;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

