// `mcp build` refusals that need no podman: nothing to build, an unknown image, no workspace (the real build
// and push against a registry is e2e/cli-build.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliSandbox, validDefinition, type CliSandbox } from '../cli-test-harness.js';

let sandbox: CliSandbox;
beforeEach(async () => {
  sandbox = await createCliSandbox();
});
afterEach(async () => {
  await sandbox.remove();
});

const withBuild = (name: string): string => `${validDefinition(name)}\n[build.images]\n"localhost/${name}" = "Dockerfile"\n`;

describe('mcp build', () => {
  it('exits 2 when no service has [build.images]', async () => {
    await sandbox.write(`${sandbox.defaultServicesDir}/web.toml`, validDefinition('web'));
    const { exitCode, stderr } = await sandbox.run(['build']);
    expect([exitCode, stderr]).toEqual([2, `mcp: no service in ${sandbox.defaultServicesDir} has [build.images]; nothing to build\n`]);
  });

  it('names the images it can build when asked for another', async () => {
    await sandbox.write(`${sandbox.defaultServicesDir}/web.toml`, withBuild('web'));
    const { exitCode, stderr } = await sandbox.run(['build', 'web/api']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('service web has no image "api" under [build.images]; expected one of: localhost/web');
  });

  it('says which config key to set when there is no [build] workspace, before building anything', async () => {
    await sandbox.write(`${sandbox.defaultServicesDir}/web.toml`, withBuild('web'));
    const { exitCode, stdout, stderr } = await sandbox.run(['build', 'web']);
    expect([exitCode, stdout]).toEqual([2, '']);
    expect(stderr).toContain('has [build.images], but the CLI config sets no [build] workspace; expected [build] workspace =');
  });

  it('refuses a target with more than one slash as usage', async () => {
    const { exitCode, stderr } = await sandbox.run(['build', 'a/b/c']);
    expect([exitCode, stderr]).toEqual([2, 'mcp: "a/b/c" is not a build target; expected <service> or <service>/<image>\n']);
  });

  it('documents itself in --help', async () => {
    const { exitCode, stdout } = await sandbox.run(['build', '--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Build and push the images of [build.images]');
  });
});
