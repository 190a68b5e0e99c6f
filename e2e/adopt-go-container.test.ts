// Switching from the Go MCP: a container its agent made (here: plain `podman run --name <service>`, no labels) is
// adopted by the built agent through `mcp --direct adopt` without a restart (same container id) and shows in `ps`.
import { createTempDir, ensureBusyboxImage, uniqueName, type TempDir } from '@mcp/testing';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOperatorConfig } from './support/operator-config.js';
import { createTestFleet, startAgentProcess, type AgentProcess, type TestFleet } from './support/agent-process.js';
import { podmanUnavailable } from './support/podman.js';
import { binOf, ensureBuilt, run, type Run } from './support/programs.js';

const skip = await podmanUnavailable();

let dir: TempDir;
let fleet: TestFleet;
let agent: AgentProcess;
let configPath: string;
const service = uniqueName('app');

function mcp(...args: string[]): Promise<Run> {
  return run(process.execPath, [binOf('mcp'), '--config', configPath, ...args], { env: { ...process.env, HOME: dir.path, MCP_CONFIG: '' } });
}

async function containerId(): Promise<string> {
  const inspected = await run('podman', ['inspect', '--format', '{{.Id}} {{.State.StartedAt}}', service]);
  expect(inspected.exitCode, inspected.stderr).toBe(0);
  return inspected.stdout.trim();
}

beforeAll(async () => {
  if (skip !== undefined) return;
  dir = await createTempDir('mcp-e2e-adopt');
  fleet = await createTestFleet(dir.path);
  const [started, image] = await Promise.all([startAgentProcess(fleet), ensureBusyboxImage(), ensureBuilt('mcp')]);
  agent = started;
  configPath = await writeOperatorConfig({
    dir: dir.path,
    operatorToken: fleet.tokens.operator,
    caCertPath: fleet.authority.certPath,
    servicesDir: join(dir.path, 'services'),
    nodes: [agent],
  });
  const made = await run('podman', ['run', '-d', '--init', '--name', service, image, 'sleep', '3600']);
  if (made.exitCode !== 0) throw new Error(`podman run --name ${service}: ${made.stderr}`);
});

afterAll(async () => {
  if (skip !== undefined) return;
  await agent?.stop();
  await run('podman', ['rm', '-f', '-t', '0', service]);
  await dir?.remove();
});

describe.skipIf(skip !== undefined)(`adopting a container the Go agent made${skip === undefined ? '' : ` (${skip})`}`, () => {
  it('adopts `podman run --name app` as service app, component app, without restarting it, and ps shows it', async () => {
    const before = await containerId();
    const adopted = await mcp('--direct', 'adopt', service);
    expect(adopted.exitCode, adopted.stdout + adopted.stderr).toBe(0);
    expect(await containerId()).toBe(before);
    const ps = await mcp('--direct', 'ps');
    expect(ps.exitCode, ps.stderr).toBe(0);
    expect(ps.stdout).toMatch(new RegExp(`^${service}\\s+${service}\\s+${agent.node}\\s+running\\s`, 'm'));
  });
});
