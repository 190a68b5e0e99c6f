import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCliConfig, locateConfig, readEnvironment } from './config.js';
import { ConfigError } from '@mcp/config';

let root: string;
let home: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mcp-config-'));
  home = join(root, 'home');
  await mkdir(home);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeConfig(path: string, text: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

async function problemsOf(text: string): Promise<ConfigError> {
  const file = await writeConfig(join(root, 'mcp.toml'), text);
  const error = await loadCliConfig({ flag: file, env: {}, cwd: root, homedir: home }).catch((e: unknown) => e);
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('readEnvironment', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('takes MCP_CONFIG, VISUAL and EDITOR from the process environment', () => {
    vi.stubEnv('MCP_CONFIG', '/etc/mcp/fleet.toml');
    vi.stubEnv('VISUAL', 'code --wait');
    vi.stubEnv('EDITOR', 'vi');
    expect(readEnvironment()).toEqual({ MCP_CONFIG: '/etc/mcp/fleet.toml', VISUAL: 'code --wait', EDITOR: 'vi' });
  });
});

describe('locateConfig', () => {
  it('prefers --config over MCP_CONFIG', () => {
    const located = locateConfig({ flag: 'flag.toml', env: { MCP_CONFIG: '/env.toml' }, cwd: root, homedir: home });
    expect(located).toEqual({ path: join(root, 'flag.toml'), explicit: true });
  });

  it('uses MCP_CONFIG when no --config is given', () => {
    const located = locateConfig({ flag: undefined, env: { MCP_CONFIG: '~/env.toml' }, cwd: root, homedir: home });
    expect(located).toEqual({ path: join(home, 'env.toml'), explicit: true });
  });

  it('falls back to ~/.config/mcp/mcp.toml when neither is set or MCP_CONFIG is empty', () => {
    const located = locateConfig({ flag: undefined, env: { MCP_CONFIG: '' }, cwd: root, homedir: home });
    expect(located).toEqual({ path: join(home, '.config', 'mcp', 'mcp.toml'), explicit: false });
  });
});

describe('loadCliConfig', () => {
  it('applies every default when the default config file does not exist', async () => {
    const config = await loadCliConfig({ flag: undefined, env: {}, cwd: root, homedir: home });
    expect(config).toEqual({
      file: undefined,
      servicesDir: join(home, '.config', 'mcp', 'services'),
      masterAddress: undefined,
      nodes: [],
      tokenPath: join(home, '.config', 'mcp', 'token'),
      mcias: undefined,
      caCertPath: undefined,
      buildWorkspace: undefined,
      warnings: [],
    });
  });

  it('refuses a named config file that does not exist, naming its path', async () => {
    const missing = join(root, 'nowhere.toml');
    const error = await loadCliConfig({ flag: undefined, env: { MCP_CONFIG: missing }, cwd: root, homedir: home }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`${missing}: config file not found`);
  });

  it('reads every documented key', async () => {
    const file = await writeConfig(
      join(home, '.config', 'mcp', 'mcp.toml'),
      `[services]
dir = "/srv/defs"
[master]
address = "master.example.net:9443"
[[nodes]]
name = "rift"
address = "10.0.0.5:9444"
[[nodes]]
name = "edge-1"
address = "[::1]:9444"
[auth]
token_path = "/etc/mcp/token"
[mcias]
server_url = "https://mcias.example.net:8443"
service_name = "mcp-cli"
[tls]
ca_cert = "/etc/mcp/ca.pem"
[build]
workspace = "/src"
`,
    );
    const config = await loadCliConfig({ flag: undefined, env: {}, cwd: root, homedir: home });
    expect(config).toEqual({
      file,
      servicesDir: '/srv/defs',
      masterAddress: 'master.example.net:9443',
      nodes: [
        { name: 'rift', address: '10.0.0.5:9444' },
        { name: 'edge-1', address: '[::1]:9444' },
      ],
      tokenPath: '/etc/mcp/token',
      mcias: { serverUrl: 'https://mcias.example.net:8443', serviceName: 'mcp-cli' },
      caCertPath: '/etc/mcp/ca.pem',
      buildWorkspace: '/src',
      warnings: [],
    });
  });

  it('resolves relative paths against the config file directory and ~ against the home directory', async () => {
    const file = await writeConfig(join(root, 'fleet', 'mcp.toml'), '[services]\ndir = "defs"\n[tls]\nca_cert = "~/ca.pem"\n');
    const config = await loadCliConfig({ flag: file, env: {}, cwd: home, homedir: home });
    expect([config.servicesDir, config.caCertPath]).toEqual([join(root, 'fleet', 'defs'), join(home, 'ca.pem')]);
  });

  it('defaults the MCIAS service name to "mcp"', async () => {
    const file = await writeConfig(join(root, 'mcp.toml'), '[mcias]\nserver_url = "https://mcias.test"\n');
    const config = await loadCliConfig({ flag: file, env: {}, cwd: root, homedir: home });
    expect(config.mcias).toEqual({ serverUrl: 'https://mcias.test', serviceName: 'mcp' });
  });

  it('returns a frozen config', async () => {
    const file = await writeConfig(join(root, 'mcp.toml'), '[[nodes]]\nname = "a"\naddress = "a:1"\n');
    const config = await loadCliConfig({ flag: file, env: {}, cwd: root, homedir: home });
    expect(Object.isFrozen(config) && Object.isFrozen(config.nodes) && Object.isFrozen(config.nodes[0])).toBe(true);
  });
});

describe('config validation', () => {
  it('warns of an unknown key or section, naming the file, the key and the known keys, and ignores it', async () => {
    const file = await writeConfig(join(root, 'mcp.toml'), '[master]\naddress = "m:1"\nadress = "m:2"\n[servces]\ndir = "x"\n');
    const config = await loadCliConfig({ flag: file, env: {}, cwd: root, homedir: home });
    expect(config.masterAddress).toBe('m:1');
    expect(config.warnings).toEqual([
      `${file}: servces: unknown key, ignored (known keys here: services, master, nodes, auth, mcias, tls, build)`,
      `${file}: master.adress: unknown key, ignored (known keys here: address)`,
    ]);
  });

  it('accepts the Go MCP\'s mcp.toml: [[nodes]] ssh and arch, and warns of its other unknown keys', async () => {
    const goStyle = [
      '[services]', 'dir = "defs"', '[master]', 'address = "rift.example:9443"', '[auth]', 'token_path = "token"',
      '[[nodes]]', 'name = "rift"', 'address = "100.95.252.120:9444"', 'ssh = "rift"', 'arch = "amd64"',
      '[[nodes]]', 'name = "orion"', 'address = "100.95.252.121:9444"', 'ssh = "root@orion"', 'arch = "arm64"',
      '[log]', 'level = "info"', '',
    ].join('\n');
    const file = await writeConfig(join(root, 'mcp.toml'), goStyle);
    const config = await loadCliConfig({ flag: file, env: {}, cwd: root, homedir: home });
    expect(config.nodes).toEqual([
      { name: 'rift', address: '100.95.252.120:9444' },
      { name: 'orion', address: '100.95.252.121:9444' },
    ]);
    expect(config.warnings).toEqual([`${file}: log: unknown key, ignored (known keys here: services, master, nodes, auth, mcias, tls, build)`]);
  });

  it('still refuses a Go MCP key of the wrong type', async () => {
    const error = await problemsOf('[[nodes]]\nname = "rift"\naddress = "r:1"\narch = 64\n');
    expect(error.problems.map((p) => p.keyPath)).toEqual(['nodes[0].arch']);
  });

  it('refuses a value of the wrong type instead of converting it', async () => {
    const error = await problemsOf('[services]\ndir = 3\n');
    expect(error.problems[0]?.message).toContain('mcp.toml: services.dir: got number 3; expected a path');
  });

  it('refuses an address without a port', async () => {
    const error = await problemsOf('[master]\naddress = "master.example.net"\n');
    expect(error.problems[0]?.keyPath).toBe('master.address');
  });

  it('refuses a node listed twice', async () => {
    const error = await problemsOf('[[nodes]]\nname = "a"\naddress = "a:1"\n[[nodes]]\nname = "a"\naddress = "b:1"\n');
    expect(error.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('nodes[1].name: node "a" is listed twice; expected a node name'),
    ]);
  });

  it('refuses an MCIAS URL that is not https', async () => {
    const error = await problemsOf('[mcias]\nserver_url = "http://mcias.test"\n');
    expect(error.problems[0]?.message).toContain('mcias.server_url: "http://mcias.test" is not an https URL');
  });

  // @mcp/config reports in schema order: sections as documented, a table's unknown keys before its fields.
  it('reports every problem in the file at once', async () => {
    const error = await problemsOf('[master]\naddress = 1\n[[nodes]]\nname = "Bad_Name"\n[tls]\nca = "x"\n');
    expect(error.problems.map((p) => p.keyPath)).toEqual([
      'master.address',
      'nodes[0].name',
      'nodes[0].address',
    ]);
  });

  it('reports a TOML syntax error with its line', async () => {
    const error = await problemsOf('[master]\naddress = = "x"\n');
    expect(error.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/mcp\.toml: TOML syntax error at line 2, column \d+: .+; expected valid TOML$/),
    ]);
  });
});
