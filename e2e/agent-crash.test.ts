// kill -9 of the agent in the middle of a deploy: on restart the registry is consistent and Recover
// brings every desired-running component back from the registry alone, without pulling, without duplicates.
import { create } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { ComponentSpecSchema, DeployRequestSchema, McpAgentService, RouteSpecSchema, ServiceSpecSchema } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { createTempDir, ensureBusyboxImage, uniqueName, type TempDir } from '@mcp/testing';
import { clientTlsOptions } from '@mcp/tls';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestFleet, startAgentProcess, type AgentProcess, type TestFleet } from './support/agent-process.js';
import { run } from './support/programs.js';

let dir: TempDir;
let fleet: TestFleet;
let agent: AgentProcess;
let image: string;

async function podman(...args: string[]): Promise<string> {
  const result = await run('podman', args);
  if (result.exitCode !== 0) throw new Error(`podman ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function nodeContainers(): Promise<{ name: string; state: string }[]> {
  const out = await podman('ps', '-a', '--filter', `label=mcp.node=${agent.node}`, '--format', 'json');
  const entries = JSON.parse(out || '[]') as { Names: string[]; State: string }[];
  return entries.map((entry) => ({ name: entry.Names[0] ?? '', state: entry.State }));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const containers = await nodeContainers().catch(() => []);
      const log = (await agent.logLines()).slice(-15).map((line) => JSON.stringify(line));
      throw new Error(`timed out waiting for ${what}; containers: ${JSON.stringify(containers)}; agent log:\n${log.join('\n')}`);
    }
    await delay(100);
  }
}

beforeAll(async () => {
  dir = await createTempDir('mcp-e2e-crash');
  fleet = await createTestFleet(dir.path);
  agent = await startAgentProcess(fleet);
  // An image no registry has: any pull during Recover would fail the test.
  image = `localhost/${uniqueName('mcp-crash')}:v1`;
  await podman('tag', await ensureBusyboxImage(), image);
});

afterAll(async () => {
  await agent?.stop();
  const names = agent ? (await nodeContainers()).map((c) => c.name) : [];
  if (names.length > 0) await podman('rm', '-f', '-t', '0', ...names);
  if (image) await podman('rmi', '-f', image).catch(() => undefined);
  await dir?.remove();
});

describe('agent killed during a deploy', () => {
  it('comes back consistent, and Recover restores every component without pulling or duplicating', async () => {
    const tls = await clientTlsOptions({ caPath: fleet.authority.certPath });
    const client = () =>
      createClient(McpAgentService, createGrpcClientTransport({ address: agent.address, tls, token: () => fleet.tokens.operator }));
    const components = ['a', 'b', 'c'].map((name) =>
      create(ComponentSpecSchema, {
        name,
        image,
        runtime: 'container',
        cmd: ['sh', '-c', 'exec httpd -f -p $PORT -h /www'],
        routes: [create(RouteSpecSchema, { name: 'http', port: 443, mode: 'l4', hostname: `${name}.crash.test` })],
      }),
    );
    const service = create(ServiceSpecSchema, { name: 'crash', active: true, tier: 'worker', components });
    const deploying = client()
      .deploy(create(DeployRequestSchema, { service, noPull: true }))
      .catch((error: unknown) => error);
    await waitFor('the first container of the deploy', async () =>
      (await nodeContainers()).some((c) => c.name === 'crash-a') ? true : undefined,
    );
    await agent.kill('SIGKILL');
    await deploying;

    await agent.restart();
    const running = await waitFor('every component running again', async () => {
      const containers = await nodeContainers();
      const up = containers.filter((c) => c.state === 'running').map((c) => c.name).sort();
      return up.join(',') === 'crash-a,crash-b,crash-c' ? containers : undefined;
    });
    expect(running).toHaveLength(3);

    const listed = await client().listServices({});
    const crash = listed.services.find((s) => s.name === 'crash');
    expect(crash?.active).toBe(true);
    expect(crash?.components.map((c) => c.name).sort()).toEqual(['a', 'b', 'c']);
    const hostPorts = crash?.components.flatMap((c) => c.routes.map((r) => r.hostPort)) ?? [];
    expect(new Set(hostPorts).size).toBe(3);
    for (const port of hostPorts) {
      const body = await waitFor(`HTTP on host port ${port}`, async () =>
        fetch(`http://127.0.0.1:${port}/`).then((res) => res.text(), () => undefined),
      );
      expect(body).toContain('hello');
    }

    const recovered = await client().recover({});
    expect(recovered).toBeDefined();
    expect((await nodeContainers()).filter((c) => c.state === 'running')).toHaveLength(3);
  });

  it('brings back every container removed out of band when the agent restarts, without pulling', async () => {
    const running = async (): Promise<string[]> =>
      (await nodeContainers()).filter((c) => c.state === 'running').map((c) => c.name).sort();
    expect(await running()).toEqual(['crash-a', 'crash-b', 'crash-c']);
    await podman('rm', '-f', '-t', '0', 'crash-a', 'crash-b', 'crash-c');
    expect(await nodeContainers()).toEqual([]);
    await agent.stop();
    await agent.restart();
    const back = await waitFor('the removed containers back after the restart', async () => {
      const names = await running();
      return names.join(',') === 'crash-a,crash-b,crash-c' ? names : undefined;
    });
    expect(back).toHaveLength(3);
    expect(await nodeContainers()).toHaveLength(3);
  });

  it('stops the podman service it took over from its killed predecessor when it stops', async () => {
    const socket = `${agent.home.dataDir}/podman.sock`;
    const services = async (): Promise<string[]> => {
      const { stdout } = await run('pgrep', ['-f', `system service --time=0 unix://${socket}`]);
      return stdout.split('\n').filter((pid) => pid.trim() !== '');
    };
    expect(await services()).toHaveLength(1);
    await agent.stop();
    await waitFor('the podman service to stop', async () => ((await services()).length === 0 ? true : undefined));
  });
});

