import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { boolean, integer, optionalString, path, string, stringList, tables } from './fields.js';
import { loadConfigFile, parseConfig, type ParseOptions } from './load.js';

const schema = {
  server: {
    listen: string({ doc: 'address', nonEmpty: true, env: 'T_LISTEN' }),
    allow_wildcard: boolean({ doc: 'allow 0.0.0.0', default: false }),
    timeout_ms: integer({ doc: 'timeout', default: 5000, min: 1, max: 60_000, env: 'T_TIMEOUT_MS' }),
  },
  node: {
    role: string({ doc: 'role', default: 'worker', oneOf: ['master', 'worker', 'edge'] as const }),
    comment: optionalString({ doc: 'free text' }),
  },
  storage: {
    data_dir: path({ doc: 'data', default: '~/.local/mcp' }),
    ca_cert: path({ doc: 'ca', optional: true }),
  },
  alert: { command: stringList({ doc: 'argv', default: [], env: 'T_ALERT' }) },
  nodes: tables('agents', { name: string({ doc: 'name', nonEmpty: true }), address: string({ doc: 'addr', nonEmpty: true }) }),
};

function parseWithWarnings(text: string, env: ParseOptions['env'] = {}) {
  return parseConfig(schema, { text, source: '/etc/mcp/agent.toml', env, homedir: '/home/op', baseDir: '/etc/mcp' });
}

function parse(text: string, env: ParseOptions['env'] = {}) {
  return parseWithWarnings(text, env).config;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.message);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies defaults for every absent key and resolves default paths against the home directory', () => {
    const config = parse('[server]\nlisten = "127.0.0.1:9444"\n');
    expect(config.server).toEqual({ listen: '127.0.0.1:9444', allow_wildcard: false, timeout_ms: 5000 });
    expect(config.node).toEqual({ role: 'worker', comment: undefined });
    expect(config.storage.data_dir).toBe('/home/op/.local/mcp');
    expect(config.storage.ca_cert).toBeUndefined();
    expect(config.nodes).toEqual([]);
  });

  it('resolves a relative path against the config file directory', () => {
    const config = parse('[server]\nlisten = "a"\n[storage]\nca_cert = "certs/ca.pem"\n');
    expect(config.storage.ca_cert).toBe('/etc/mcp/certs/ca.pem');
  });

  it('reads arrays of tables with their own key paths', () => {
    const config = parse('[server]\nlisten = "a"\n[[nodes]]\nname = "rift"\naddress = "r:9444"\n[[nodes]]\nname = "orion"\naddress = "o:9444"\n');
    expect(config.nodes.map((n) => n.name)).toEqual(['rift', 'orion']);
  });

  it('reports every problem at once, each with the file, key path and what was expected', () => {
    const problems = problemsOf(() =>
      parse('[server]\ntimeout_ms = "5000"\nallow_wildcard = "yes"\n[node]\nrole = "boss"\n[[nodes]]\nname = "x"\n'),
    );
    expect(problems).toEqual([
      '/etc/mcp/agent.toml: server.listen: missing; expected a non-empty string',
      '/etc/mcp/agent.toml: server.allow_wildcard: got the string "yes"; expected true or false',
      '/etc/mcp/agent.toml: server.timeout_ms: got the string "5000"; expected a whole number from 1 to 60000',
      '/etc/mcp/agent.toml: node.role: got the string "boss"; expected one of "master", "worker", "edge"',
      '/etc/mcp/agent.toml: nodes[0].address: missing; expected a non-empty string',
    ]);
  });

  it('warns of an unknown key, naming the file, the key and the known ones, and ignores it', () => {
    const { config, warnings } = parseWithWarnings('[server]\nlisten = "a"\nlisen = "b"\n[[nodes]]\nname = "x"\naddress = "y"\nssh = "x.example"\n[extra]\nk = 1\n');
    expect(config.server.listen).toBe('a');
    expect(warnings.map((warning) => warning.message)).toEqual([
      '/etc/mcp/agent.toml: extra: unknown key, ignored (known keys here: server, node, storage, alert, nodes)',
      '/etc/mcp/agent.toml: server.lisen: unknown key, ignored (known keys here: listen, allow_wildcard, timeout_ms)',
      '/etc/mcp/agent.toml: nodes[0].ssh: unknown key, ignored (known keys here: name, address)',
    ]);
    expect(parseWithWarnings('[server]\nlisten = "a"\n').warnings).toEqual([]);
  });

  it('still refuses a known key of the wrong type next to an unknown one', () => {
    expect(problemsOf(() => parse('[server]\nlisten = 5\nlisen = "b"\n'))).toEqual([
      expect.stringMatching(/^\/etc\/mcp\/agent\.toml: server\.listen: got number 5; expected/),
    ]);
  });

  it('refuses a number out of range', () => {
    expect(problemsOf(() => parse('[server]\nlisten = "a"\ntimeout_ms = 0\n'))[0]).toMatch(/server.timeout_ms: got number 0/);
  });

  it('lets an environment variable override the file and names it when it is wrong', () => {
    const config = parse('[server]\nlisten = "a"\n', { T_LISTEN: '10.0.0.1:1', T_TIMEOUT_MS: '250', T_ALERT: '["/bin/alert","--x"]' });
    expect(config.server.listen).toBe('10.0.0.1:1');
    expect(config.server.timeout_ms).toBe(250);
    expect(config.alert.command).toEqual(['/bin/alert', '--x']);
    expect(problemsOf(() => parse('[server]\nlisten = "a"\n', { T_TIMEOUT_MS: 'soon' }))).toEqual([
      'environment variable T_TIMEOUT_MS: server.timeout_ms: got the string "soon"; expected a whole number from 1 to 60000',
    ]);
  });

  it('reports a TOML syntax error with its line', () => {
    expect(problemsOf(() => parse('[server]\nlisten = \n'))[0]).toMatch(
      /^\/etc\/mcp\/agent.toml: TOML syntax error at line 2, column \d+: .*; expected valid TOML$/,
    );
  });

  it('returns a frozen config', () => {
    const config = parse('[server]\nlisten = "a"\n');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
  });
});

describe('loadConfigFile', () => {
  it('uses every default when an optional file is absent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-config-'));
    const small = { a: { b: integer({ doc: 'b', default: 3 }) } };
    const loaded = await loadConfigFile(small, { path: join(dir, 'none.toml'), required: false, env: {}, homedir: dir });
    expect(loaded).toEqual({ config: { a: { b: 3 } }, file: undefined, warnings: [] });
  });

  it('names the missing file when it was required', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-config-'));
    const missing = join(dir, 'agent.toml');
    await expect(loadConfigFile({}, { path: missing, required: true, env: {}, homedir: dir })).rejects.toThrow(
      `${missing}: file not found; expected a readable TOML config file`,
    );
  });

  it('reads the file and reports its path in problems', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-config-'));
    const file = join(dir, 'agent.toml');
    await writeFile(file, '[a]\nb = true\n');
    const small = { a: { b: integer({ doc: 'b', default: 3 }) } };
    await expect(loadConfigFile(small, { path: file, required: true, env: {}, homedir: dir })).rejects.toThrow(
      `${file}: a.b: got boolean true; expected a whole number`,
    );
  });
});
