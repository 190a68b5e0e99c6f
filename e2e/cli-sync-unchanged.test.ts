// Issue 11, item 7: one rule for "has the definition changed?". A definition with `path`, `[build.images]` and a
// comment, once synced, is "unchanged" on the next `mcp sync --dry-run`, through the master and with --direct.
import { ensureBusyboxImage, uniqueName } from '@mcp/testing';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOperatorConfig } from './support/operator-config.js';
import type { AgentProcess } from './support/agent-process.js';
import { startFleet, type Fleet } from './support/fleet-process.js';
import { podmanUnavailable } from './support/podman.js';
import { binOf, ensureBuilt, run, type Run } from './support/programs.js';

const skip = await podmanUnavailable();

let fleet: Fleet;
let worker: AgentProcess;
let configPath: string;
const service = uniqueName('same');

function mcp(...args: string[]): Promise<Run> {
  return run(process.execPath, [binOf('mcp'), '--config', configPath, ...args], { env: { ...process.env, HOME: fleet.dir, MCP_CONFIG: '' } });
}

/** The action the dry run prints for the service (`SERVICE ACTION NODE …` with the master, `NODE SERVICE PLAN` direct). */
function actionOf(result: Run): string | undefined {
  return new RegExp(`\\b${service}\\s+(\\S+)`).exec(result.stdout)?.[1];
}

describe.skipIf(skip !== undefined)(`sync --dry-run after a sync${skip === undefined ? '' : ` (${skip})`}`, () => {
  beforeAll(async () => {
    const [image] = await Promise.all([ensureBusyboxImage(), ensureBuilt('mcp')]);
    fleet = await startFleet({ name: 'mcp-e2e-sync-unchanged', agents: [{ role: 'master' }, { role: 'worker' }] });
    [worker] = fleet.byRole('worker') as [AgentProcess];
    const servicesDir = join(fleet.dir, 'cli-services');
    await mkdir(servicesDir);
    configPath = await writeOperatorConfig({
      dir: fleet.dir,
      configName: 'cli.toml',
      tokenName: 'cli-operator.token',
      operatorToken: fleet.credentials.tokens.operator,
      caCertPath: fleet.credentials.authority.certPath,
      servicesDir,
      masterAddress: fleet.master.address,
      nodes: [worker],
    });
    await writeFile(
      join(servicesDir, `${service}.toml`),
      [
        `name = "${service}"`,
        `node = "${worker.node}"`,
        // Both, as some of the platform's definitions have them: node wins, and the tier is no difference.
        'tier = "worker"',
        "comment = 'sources and build recipe only the workstation reads'",
        `path = "apps/${service}"`,
        '',
        '[build.images]',
        `"${image.replace(/:[^:/]+$/, '')}" = "Dockerfile"`,
        '',
        '[[components]]',
        'name = "web"',
        `image = "${image}"`,
        'cmd = ["sh", "-c", "exec httpd -f -p $PORT -h /www"]',
        '',
        '[[components.routes]]',
        'port = 443',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('says "unchanged" through the master after the master synced it', async () => {
    const synced = await mcp('sync', '--no-pull');
    expect(synced, synced.stdout + synced.stderr).toMatchObject({ exitCode: 0 });
    for (let round = 0; round < 2; round++) {
      const planned = await mcp('sync', '--dry-run');
      expect(planned, planned.stdout + planned.stderr).toMatchObject({ exitCode: 0 });
      expect(actionOf(planned), planned.stdout).toBe('unchanged');
    }
  });

  it('says "unchanged" with --direct, for what the node recorded at the deploy and after a direct sync', async () => {
    const before = await mcp('--direct', 'sync', '--dry-run');
    expect(before, before.stdout + before.stderr).toMatchObject({ exitCode: 0 });
    expect(actionOf(before), before.stdout).toBe('unchanged');
    const synced = await mcp('--direct', 'sync');
    expect(synced, synced.stdout + synced.stderr).toMatchObject({ exitCode: 0 });
    const after = await mcp('--direct', 'sync', '--dry-run');
    expect(actionOf(after), after.stdout).toBe('unchanged');
  });
});
