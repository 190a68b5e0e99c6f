import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brokenDefinition, createCliSandbox, validDefinition, type CliSandbox } from '../cli-test-harness.js';

let sandbox: CliSandbox;
beforeEach(async () => {
  sandbox = await createCliSandbox();
});
afterEach(async () => {
  await sandbox.remove();
});

describe('mcp validate <file>', () => {
  it('exits 0 and shows the file as valid', async () => {
    await sandbox.write('defs/web.toml', validDefinition('web'));
    const { exitCode, stdout, stderr } = await sandbox.run(['validate', 'defs/web.toml']);
    expect([exitCode, stdout, stderr]).toEqual([0, 'FILE           SERVICE  RESULT\ndefs/web.toml  web      ok\n', '']);
  });

  it('exits 2 and prints every problem with file, key path, expectation and line', async () => {
    await sandbox.write('broken.toml', brokenDefinition('broken'));
    const { exitCode, stdout, stderr } = await sandbox.run(['validate', 'broken.toml']);
    const problems = stderr.trimEnd().split('\n');
    expect([exitCode, stdout.split('\n')[1], problems.length]).toEqual([2, 'broken.toml  broken   3 problems', 3]);
    expect(problems).toEqual([
      expect.stringMatching(/^broken\.toml: active: .*; expected .* \(line 2\)$/),
      expect.stringMatching(/^broken\.toml: components\[0\]\.routes\[0\]\.port: .*; expected .* \(line 10\)$/),
      expect.stringMatching(/^broken\.toml: components\[0\]\.routes\[0\]\.mode: .*; expected .*"l4".* \(line 11\)$/),
    ]);
  });

  it('warns, and still exits 0, when node and tier are both set: node wins', async () => {
    await sandbox.write('pinned.toml', validDefinition('pinned').replace('name = "pinned"\n', 'name = "pinned"\nnode = "rift"\ntier = "core"\n'));
    const { exitCode, stdout, stderr } = await sandbox.run(['validate', 'pinned.toml']);
    expect([exitCode, stdout.split('\n')[1], stderr]).toEqual([
      0,
      'pinned.toml  pinned   ok (1 warning)',
      'warning: pinned.toml: tier: set together with node; node wins: the service is pinned to node rift and tier = "core" is ignored (line 3)\n',
    ]);
  });

  it('checks every argument and fails when any one is invalid', async () => {
    await sandbox.write('web.toml', validDefinition('web'));
    await sandbox.write('broken.toml', brokenDefinition('broken'));
    const { exitCode, stdout } = await sandbox.run(['validate', 'web.toml', 'broken.toml']);
    expect([exitCode, stdout.split('\n').slice(1, 3)]).toEqual([
      2,
      ['web.toml     web      ok', 'broken.toml  broken   3 problems'],
    ]);
  });

  it('reports a file that does not exist as a problem naming it', async () => {
    const { exitCode, stderr } = await sandbox.run(['validate', 'nowhere.toml']);
    expect([exitCode, stderr]).toEqual([2, 'nowhere.toml: file not found; expected a readable service definition file\n']);
  });
});

describe('mcp validate <service>', () => {
  it('resolves a bare name in the configured services dir', async () => {
    await sandbox.write(join(sandbox.defaultServicesDir, 'web.toml'), validDefinition('web'));
    const { exitCode, stdout } = await sandbox.run(['validate', 'web']);
    expect([exitCode, stdout.split('\n')[1]]).toEqual([0, `${join(sandbox.defaultServicesDir, 'web.toml')}  web      ok`]);
  });

  it('exits 2 naming the path looked at when the service has no definition', async () => {
    const { exitCode, stderr } = await sandbox.run(['validate', 'ghost']);
    const path = join(sandbox.defaultServicesDir, 'ghost.toml');
    expect([exitCode, stderr]).toEqual([
      2,
      `${path}: no definition for service "ghost"; expected ghost.toml in the services dir ${sandbox.defaultServicesDir}\n`,
    ]);
  });
});

describe('mcp validate (no arguments)', () => {
  it('checks every definition in the services dir, in name order', async () => {
    await sandbox.write(join(sandbox.defaultServicesDir, 'web.toml'), validDefinition('web'));
    await sandbox.write(join(sandbox.defaultServicesDir, 'api.toml'), brokenDefinition('api'));
    const { exitCode, stdout } = await sandbox.run(['validate']);
    const services = stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/\s+/)[1]);
    expect([exitCode, services]).toEqual([2, ['api', 'web']]);
  });

  it('exits 0 saying so when the services dir holds no definitions', async () => {
    await sandbox.write(join(sandbox.defaultServicesDir, 'README.md'), 'not a definition\n');
    const { exitCode, stdout } = await sandbox.run(['validate']);
    expect([exitCode, stdout]).toEqual([0, `no service definitions in ${sandbox.defaultServicesDir}\n`]);
  });

  it('exits 2 naming the services dir when it does not exist', async () => {
    const { exitCode, stderr } = await sandbox.run(['validate']);
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: services dir ${sandbox.defaultServicesDir} does not exist; expected a directory of <service>.toml files (set [services] dir in the CLI config)\n`,
    ]);
  });
});

describe('mcp validate --json', () => {
  it('prints one document listing each file with its problems', async () => {
    await sandbox.write('web.toml', validDefinition('web'));
    await sandbox.write('broken.toml', brokenDefinition('broken'));
    const { exitCode, stdout, stderr } = await sandbox.run(['validate', '--json', 'web.toml', 'broken.toml']);
    expect([exitCode, stderr]).toEqual([2, '']);
    expect(JSON.parse(stdout)).toEqual({
      valid: false,
      files: [
        { file: 'web.toml', service: 'web', valid: true, problems: [], warnings: [] },
        {
          file: 'broken.toml',
          service: 'broken',
          valid: false,
          warnings: [],
          problems: [
            expect.objectContaining({ file: 'broken.toml', keyPath: 'active', line: 2 }),
            expect.objectContaining({ keyPath: 'components[0].routes[0].port', line: 10 }),
            expect.objectContaining({ keyPath: 'components[0].routes[0].mode', expected: expect.stringContaining('"l4"') }),
          ],
        },
      ],
    });
  });

  it('prints valid true and exits 0 when every definition is valid', async () => {
    await sandbox.write('web.toml', validDefinition('web'));
    const { exitCode, stdout } = await sandbox.run(['validate', '--json', 'web.toml']);
    expect([exitCode, JSON.parse(stdout).valid]).toEqual([0, true]);
  });
});
