import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliSandbox, validDefinition, type CliSandbox } from './cli-test-harness.js';
import { cliVersion } from './version.js';

const commandNames = ['validate', 'deploy', 'undeploy', 'stop', 'start', 'restart', 'sync', 'list', 'ps', 'status', 'logs', 'adopt', 'purge', 'service', 'push', 'pull', 'build', 'node', 'route', 'dns', 'edge', 'agent', 'dev', 'snapshot', 'migrate', 'login'].join(', ');

let sandbox: CliSandbox;
beforeEach(async () => {
  sandbox = await createCliSandbox();
});
afterEach(async () => {
  await sandbox.remove();
});

describe('version and help', () => {
  it('prints the version with --version and exits 0', async () => {
    expect(await sandbox.run(['--version'])).toEqual({ exitCode: 0, stdout: `${cliVersion}\n`, stderr: '' });
  });

  it('lists only the commands that are implemented in --help', async () => {
    const { exitCode, stdout } = await sandbox.run(['--help']);
    const commands = stdout.split('\n').filter((line) => /^ {2}mcp \w/.test(line));
    expect([exitCode, commands.map((line) => line.trim().split(/\s+/)[1])]).toEqual([
      0,
      ['validate', 'deploy', 'undeploy', 'stop', 'start', 'restart', 'sync', 'list', 'ps', 'status', 'logs', 'adopt', 'purge', 'service', 'push', 'pull', 'build', 'node', 'route', 'dns', 'edge', 'agent', 'dev', 'snapshot', 'migrate', 'login'],
    ]);
  });

  it('documents the global options and exit codes in --help', async () => {
    const { stdout } = await sandbox.run(['--help']);
    expect(['--json', '--config', '--version', 'Exit codes: 0 success'].filter((text) => !stdout.includes(text))).toEqual([]);
  });

  it('prints a command\'s own help with <command> --help', async () => {
    const { exitCode, stdout } = await sandbox.run(['validate', '--help']);
    expect([exitCode, stdout.startsWith('mcp validate [definitions..]')]).toEqual([0, true]);
  });
});

describe('usage errors exit 2 with the message', () => {
  it('refuses an unknown command', async () => {
    const { exitCode, stderr } = await sandbox.run(['teleport', 'web']);
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: Unknown command: teleport; expected one of: ${commandNames}\nRun "mcp --help" for usage.\n`,
    ]);
  });

  it('refuses an unknown option', async () => {
    const { exitCode, stderr } = await sandbox.run(['validate', '--bogus']);
    expect([exitCode, stderr.split('\n')[0]]).toEqual([2, 'mcp: Unknown argument: bogus']);
  });

  it('refuses a missing command', async () => {
    const { exitCode, stderr } = await sandbox.run([]);
    expect([exitCode, stderr.split('\n')[0]]).toEqual([2, 'mcp: no command given']);
  });

  it('refuses --config without a value', async () => {
    const { exitCode, stderr } = await sandbox.run(['validate', '--config']);
    expect([exitCode, stderr.split('\n')[0]]).toEqual([2, 'mcp: Not enough arguments following: config']);
  });

  it('prints a usage error as a JSON error document under --json', async () => {
    const { exitCode, stdout, stderr } = await sandbox.run(['teleport', '--json']);
    expect([exitCode, JSON.parse(stdout), stderr]).toEqual([
      2,
      { error: { code: 'usage', message: `Unknown command: teleport; expected one of: ${commandNames}` } },
      '',
    ]);
  });
});

describe('config file', () => {
  // Each config points [services] dir at its own directory holding one service; validate shows which was read.
  async function servicesDirFor(label: string): Promise<string> {
    await sandbox.write(`${label}/services/${label}.toml`, validDefinition(label));
    await sandbox.write(`${label}/mcp.toml`, '[services]\ndir = "services"\n');
    return join(sandbox.root, label, 'mcp.toml');
  }

  async function servicesSeen(argv: readonly string[], env: { MCP_CONFIG?: string } = {}): Promise<string[]> {
    const { stdout } = await sandbox.run(['validate', '--json', ...argv], env);
    return (JSON.parse(stdout) as { files: { service: string }[] }).files.map((file) => file.service);
  }

  it('reads ~/.config/mcp/mcp.toml by default', async () => {
    await sandbox.write(join(sandbox.defaultServicesDir, 'home.toml'), validDefinition('home'));
    await sandbox.write(join(sandbox.home, '.config/mcp/mcp.toml'), '# only defaults\n');
    expect(await servicesSeen([])).toEqual(['home']);
  });

  it('reads MCP_CONFIG instead of the default', async () => {
    const fromEnv = await servicesDirFor('env');
    expect(await servicesSeen([], { MCP_CONFIG: fromEnv })).toEqual(['env']);
  });

  it('reads --config in preference to MCP_CONFIG', async () => {
    const fromEnv = await servicesDirFor('env');
    const fromFlag = await servicesDirFor('flag');
    expect(await servicesSeen(['--config', fromFlag], { MCP_CONFIG: fromEnv })).toEqual(['flag']);
  });

  it('exits 2 naming the path when the named config file does not exist', async () => {
    const { exitCode, stderr } = await sandbox.run(['validate', '--config', 'missing.toml']);
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: ${join(sandbox.root, 'missing.toml')}: config file not found; expected a readable TOML file (named by --config or MCP_CONFIG)\n`,
    ]);
  });

  it('warns on stderr naming the file and key of an unknown config key, and runs the command', async () => {
    const config = await sandbox.write('mcp.toml', '[services]\ndir = "defs"\ndirectory = "defs"\n');
    await sandbox.write('defs/web.toml', validDefinition('web'));
    const { exitCode, stdout, stderr } = await sandbox.run(['validate'], { MCP_CONFIG: config });
    expect([exitCode, stderr]).toEqual([0, `mcp: warning: ${config}: services.directory: unknown key, ignored (known keys here: dir)\n`]);
    expect(stdout).toContain('web      ok');
  });

  it('prints a config error as a JSON error document under --json', async () => {
    const config = await sandbox.write('mcp.toml', '[master]\naddress = 9443\n');
    const { exitCode, stdout } = await sandbox.run(['validate', '--json', '--config', config]);
    expect([exitCode, JSON.parse(stdout)]).toEqual([
      2,
      { error: { code: 'config', message: expect.stringContaining(`${config}: master.address: got number 9443; expected an address "host:port"`) } },
    ]);
  });
});
