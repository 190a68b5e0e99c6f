// A VM next to a container on the built agent (real QEMU under TCG, real podman), driven by `mcp --direct`: both
// deploy and answer HTTP, `ps` shows both, and the VM keeps running (the same QEMU process) across an agent restart.
import { VM_INDEX_HTML, createTempDir, ensureBusyboxImage, ensureVmTestImage, uniqueName, type TempDir } from '@mcp/testing';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOperatorConfig } from './support/operator-config.js';
import { createTestFleet, startAgentProcess, type AgentProcess, type TestFleet } from './support/agent-process.js';
import { binOf, ensureBuilt, run, type Run } from './support/programs.js';
import { holdQemuTestLock, httpBody, qemuUnavailable } from './support/vm-guests.js';

const skipReason = await qemuUnavailable();

let dir: TempDir;
let fleet: TestFleet;
let agent: AgentProcess;
let configPath: string;
let releaseLock: () => void = () => undefined;
const service = uniqueName('vmhello');

function mcp(...args: string[]): Promise<Run> {
  return run(process.execPath, [binOf('mcp'), '--config', configPath, ...args], {
    env: { ...process.env, HOME: dir.path, MCP_CONFIG: '' },
  });
}

/** The host ports the agent's registry holds for the service's routes, by component. */
async function hostPorts(): Promise<Map<string, number>> {
  const listed = await mcp('--direct', 'list', '--json');
  expect(listed.exitCode, listed.stderr).toBe(0);
  const ports = new Map<string, number>();
  const walk = (value: unknown, component: string | undefined): void => {
    if (Array.isArray(value)) return value.forEach((item) => walk(item, component));
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const here = typeof record['image'] === 'string' && typeof record['name'] === 'string' ? record['name'] : component;
    if (here !== undefined && typeof record['hostPort'] === 'number' && record['hostPort'] > 0) ports.set(here, record['hostPort']);
    for (const child of Object.values(record)) walk(child, here);
  };
  walk(JSON.parse(listed.stdout), undefined);
  return ports;
}

function qemuPid(): Promise<string> {
  return readFile(join(agent.home.dataDir, 'qemu', 'vms', `${service}-vm`, 'qemu.pid'), 'utf8').then((text) => text.trim());
}

beforeAll(async () => {
  if (skipReason !== undefined) return;
  releaseLock = await holdQemuTestLock();
  dir = await createTempDir('mcp-e2e-vm');
  fleet = await createTestFleet(dir.path);
  const [started, image, vmImage] = await Promise.all([startAgentProcess(fleet), ensureBusyboxImage(), ensureVmTestImage(), ensureBuilt('mcp')]);
  agent = started;
  const servicesDir = join(dir.path, 'services');
  await mkdir(servicesDir);
  configPath = await writeOperatorConfig({ dir: dir.path, operatorToken: fleet.tokens.operator, caCertPath: fleet.authority.certPath, servicesDir, nodes: [agent] });
  await writeFile(
    join(servicesDir, `${service}.toml`),
    [
      `name = "${service}"`,
      "tier = 'worker'",
      '',
      '[[components]]',
      'name = "vm"',
      'runtime = "unikernel"',
      `image = "${vmImage}"`,
      'memory = 128',
      'cmd = ["serve", "acpi"]',
      '[[components.routes]]',
      'port = 443',
      '',
      '[[components]]',
      'name = "web"',
      `image = "${image}"`,
      `cmd = ["sh", "-c", "exec httpd -f -p $PORT -h /www"]`,
      '[[components.routes]]',
      'port = 8443',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  try {
    if (agent !== undefined) await mcp('--direct', 'undeploy', service);
    await agent?.stop();
    await run('podman', ['rm', '-f', '-t', '0', `${service}-web`]);
    await dir?.remove();
  } finally {
    releaseLock();
  }
});

describe.skipIf(skipReason !== undefined)(`a VM and a container on the built agent${skipReason ? ` (${skipReason})` : ''}`, () => {
  it('deploys both, lists both in ps, and keeps the VM running across an agent restart', async () => {
    const deployed = await mcp('--direct', 'deploy', '--no-pull', service);
    expect(deployed, deployed.stdout + deployed.stderr).toMatchObject({ exitCode: 0 });
    const ports = await hostPorts();
    expect(await httpBody(ports.get('vm') ?? 0)).toBe(VM_INDEX_HTML);
    expect(await httpBody(ports.get('web') ?? 0)).toContain('hello from mcp busybox');

    const ps = await mcp('--direct', 'ps');
    expect(ps.exitCode).toBe(0);
    expect(ps.stdout).toMatch(new RegExp(`^${service}\\s+vm\\s+${agent.node}\\s+running\\s`, 'm'));
    expect(ps.stdout).toMatch(new RegExp(`^${service}\\s+web\\s+${agent.node}\\s+running\\s`, 'm'));

    const before = await qemuPid();
    await agent.kill('SIGTERM');
    await agent.restart();
    const after = await mcp('--direct', 'ps');
    expect(after.stdout).toMatch(new RegExp(`^${service}\\s+vm\\s+${agent.node}\\s+running\\s`, 'm'));
    expect(await qemuPid()).toBe(before);
    expect(await httpBody(ports.get('vm') ?? 0)).toBe(VM_INDEX_HTML);
  });
});
