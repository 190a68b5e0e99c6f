// The operator's day with the master down: `mcp --direct` drives a real agent on real podman.
// deploy → answers on its host port → ps → stop (file says active = false) → start → restart → undeploy.
import { createTempDir, ensureBusyboxImage, uniqueName, type TempDir } from '@mcp/testing';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOperatorConfig } from './support/operator-config.js';
import { createTestFleet, startAgentProcess, type AgentProcess, type TestFleet } from './support/agent-process.js';
import { binOf, ensureBuilt, run, type Run } from './support/programs.js';

let dir: TempDir;
let fleet: TestFleet;
let agent: AgentProcess;
let configPath: string;
let definitionPath: string;
const service = uniqueName('hello');

function mcp(...args: string[]): Promise<Run> {
  return run(process.execPath, [binOf('mcp'), '--config', configPath, ...args], {
    env: { ...process.env, HOME: dir.path, MCP_CONFIG: '' },
  });
}

async function podmanState(name: string): Promise<string | undefined> {
  const result = await run('podman', ['inspect', '--format', '{{.State.Status}}', name]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** The host port the agent's registry holds for a service's route (0 or absent once released). */
async function hostPort(name = service): Promise<number | undefined> {
  const listed = await mcp('--direct', 'list', '--json');
  expect(listed.exitCode).toBe(0);
  const ports: number[] = [];
  const walk = (value: unknown, inService: boolean): void => {
    if (Array.isArray(value)) return value.forEach((item) => walk(item, inService));
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const here = inService || (record['name'] === name && 'components' in record);
    if (here && typeof record['hostPort'] === 'number') ports.push(record['hostPort']);
    for (const child of Object.values(record)) walk(child, here);
  };
  walk(JSON.parse(listed.stdout), false);
  return ports[0];
}

async function httpBody(port: number): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await (await fetch(`http://127.0.0.1:${port}/`)).text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await delay(100);
    }
  }
}

beforeAll(async () => {
  dir = await createTempDir('mcp-e2e-direct');
  fleet = await createTestFleet(dir.path);
  const [started, image] = await Promise.all([startAgentProcess(fleet), ensureBusyboxImage(), ensureBuilt('mcp')]);
  agent = started;
  const servicesDir = join(dir.path, 'services');
  await mkdir(servicesDir);
  configPath = await writeOperatorConfig({ dir: dir.path, operatorToken: fleet.tokens.operator, caCertPath: fleet.authority.certPath, servicesDir, nodes: [agent] });
  definitionPath = join(servicesDir, `${service}.toml`);
  await writeFile(
    definitionPath,
    [
      '# busybox httpd, one route',
      `name = "${service}"`,
      "tier = 'worker'",
      '',
      '[[components]]',
      'name = "web"',
      `image = "${image}"`,
      `cmd = ["sh", "-c", "exec httpd -f -p $PORT -h /www"]`,
      '',
      '[[components.routes]]',
      'port = 443',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await run('podman', ['rm', '-f', '-t', '0', `${service}-web`]);
  await agent?.stop();
  await dir?.remove();
});

describe('mcp --direct against a real agent', () => {
  it('deploys, serves, lists, stops, starts, restarts and undeploys a service', async () => {
    const deployed = await mcp('--direct', 'deploy', '--no-pull', service);
    expect(deployed, deployed.stdout + deployed.stderr).toMatchObject({ exitCode: 0 });
    expect(deployed.stdout).toMatch(/^\s+web: ok$/m);

    const port = await hostPort();
    expect(port).toBeGreaterThan(0);
    expect(await httpBody(port ?? 0)).toContain('hello from mcp busybox');

    const ps = await mcp('--direct', 'ps');
    expect(ps.exitCode).toBe(0);
    expect(ps.stdout.split('\n')[0]).toMatch(/^SERVICE\s+COMPONENT\s+NODE\s+STATE\s+VERSION\s+UPTIME$/);
    expect(ps.stdout).toMatch(new RegExp(`^${service}\\s+web\\s+${agent.node}\\s+running\\s+test\\s+\\d+[smhd]`, 'm'));

    const stopped = await mcp('--direct', 'stop', service);
    expect(stopped.exitCode).toBe(0);
    expect(await readFile(definitionPath, 'utf8')).toMatch(/^active = false$/m);
    expect(await readFile(definitionPath, 'utf8')).toContain('# busybox httpd, one route');
    expect(await podmanState(`${service}-web`)).not.toBe('running');

    const started = await mcp('--direct', 'start', service);
    expect(started.exitCode).toBe(0);
    expect(await readFile(definitionPath, 'utf8')).toMatch(/^active = true$/m);
    expect(await hostPort()).toBe(port);
    expect(await httpBody(port ?? 0)).toContain('hello from mcp busybox');

    const before = (await run('podman', ['inspect', '--format', '{{.Id}}', `${service}-web`])).stdout.trim();
    const restarted = await mcp('--direct', 'restart', service);
    expect(restarted.exitCode).toBe(0);
    expect(await podmanState(`${service}-web`)).toBe('running');
    expect(await httpBody(port ?? 0)).toContain('hello from mcp busybox');
    expect((await run('podman', ['inspect', '--format', '{{.Id}}', `${service}-web`])).stdout.trim()).not.toBe(before);

    const undeployed = await mcp('--direct', 'undeploy', service);
    expect(undeployed.exitCode).toBe(0);
    expect(await podmanState(`${service}-web`)).toBeUndefined();
    // Released: the registry holds no port for it, and the next service is handed that very port.
    expect([undefined, 0]).toContain(await hostPort());
    const next = uniqueName('next');
    await writeFile(
      definitionPath.replace(`${service}.toml`, `${next}.toml`),
      (await readFile(definitionPath, 'utf8')).replace(`name = "${service}"`, `name = "${next}"`),
    );
    const redeployed = await mcp('--direct', 'deploy', '--no-pull', next);
    expect(redeployed, redeployed.stdout + redeployed.stderr).toMatchObject({ exitCode: 0 });
    expect(await hostPort(next)).toBe(port);
    expect((await mcp('--direct', 'undeploy', next)).exitCode).toBe(0);
  });
});
