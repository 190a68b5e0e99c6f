// startAgent from a real config file: the boot sequence runs before the agent listens, and the monitor runs with the
// configured alert command until the agent closes.
import { mintFleetTokens, writeAgentHome } from '@mcp/dev-fleet';
import { NODE_LABEL } from '@mcp/runtime';
import { createTempDir, ensureBusyboxImage, freeLoopbackPort, uniqueName, uniqueNode, type TempDir } from '@mcp/testing';
import { createCertificateAuthority } from '@mcp/tls';
import { once } from 'node:events';
import { appendFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAgentConfig } from './config.js';
import { deployService } from './deploy.js';
import { createAlertRecorder } from './monitor/alert-recorder.fixture.js';
import { waitFor } from './monitor/monitor.fixture.js';
import { agentRpcGroups } from './rpc/groups.js';
import { withServiceLock } from './service-lock.js';
import { startAgent, type RunningAgent } from './start-agent.js';
import { captureLog, podmanCli, podmanSkipReason } from './testing/agent-test-bed.js';

const skipReason = await podmanSkipReason();

/** Whether something accepts TCP connections on the port right now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe.skipIf(skipReason !== undefined)(`startAgent with monitor and boot sequence${skipReason ? ` (${skipReason})` : ''}`, { timeout: 90_000 }, () => {
  let dir: TempDir | undefined;
  let agent: RunningAgent | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    const node = agent?.deps.node.name;
    if (node !== undefined) {
      const ids = (await podmanCli('ps', '-aq', '--filter', `label=${NODE_LABEL}=${node}`)).split('\n').filter((id) => id !== '');
      if (ids.length > 0) await podmanCli('rm', '-f', '-t', '0', ...ids);
    }
    await agent?.close();
    server?.close();
    await dir?.remove();
  });

  it('runs the boot sequence before it listens, then monitors with the configured alert command', async () => {
    dir = await createTempDir('mcp-start-agent');
    const image = await ensureBusyboxImage();
    const node = uniqueNode();
    const port = await freeLoopbackPort();
    const tokenFile = join(dir.path, 'tokens.toml');
    await mintFleetTokens({ tokenFile, operator: 'operator', nodes: [node] });
    const authority = await createCertificateAuthority({ dir: join(dir.path, 'ca'), commonName: 'test CA' });
    const home = await writeAgentHome({ dir: join(dir.path, node), node, role: 'worker', host: '127.0.0.1', port, authority, tokenFile });
    // The boot stage's health endpoint: unhealthy twice; each time it asks whether the agent already listens.
    const listeningDuringBoot: boolean[] = [];
    let checks = 0;
    server = createServer((_request, response) => {
      checks += 1;
      void accepts(port).then((listening) => {
        listeningDuringBoot.push(listening);
        response.writeHead(checks > 2 ? 200 : 503).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const recorder = await createAlertRecorder(dir.path);
    await appendFile(
      home.configPath,
      [
        // VMs off: this agent runs containers only, so podman is the one event stream followed.
        '[qemu]',
        'enabled = false',
        '[monitor]',
        'sweep_interval_ms = 200',
        '[alerts]',
        `command = ${JSON.stringify(recorder.command())}`,
        '[[boot.stages]]',
        'name = "gate"',
        'check = "http"',
        `target = "http://127.0.0.1:${(server.address() as AddressInfo).port}/health"`,
        'retry_interval_ms = 20',
        '',
      ].join('\n'),
    );
    const config = await loadAgentConfig({ path: home.configPath, env: {} });
    agent = await startAgent({ config, log: captureLog().log, version: '0.0.0-test', groups: agentRpcGroups, environment: {} });
    expect(listeningDuringBoot).toEqual([false, false, false]);
    expect(await accepts(agent.server.port)).toBe(true);

    const deps = agent.deps;
    const spec = {
      name: uniqueName('boot'),
      active: true,
      tier: 'worker' as const,
      snapshot: { method: '', exclude: [] },
      components: [
        { name: 'app', image, runtime: 'container' as const, vcpus: 1, ports: [], volumes: [], env: [], cmd: ['sleep', '3600'], routes: [] },
      ],
    };
    await withServiceLock(deps.registry, spec.name, () => deployService(deps, { spec, pull: 'never' }));
    await podmanCli('kill', `${spec.name}-app`);
    const [alert] = await waitFor('the drift alert', async () => {
      const records = await recorder.records();
      return records.length > 0 ? records : undefined;
    });
    expect(alert?.env).toMatchObject({ MCP_ALERT_KIND: 'drift', MCP_NODE: node, MCP_SERVICE: spec.name, MCP_OBSERVED: 'exited' });
    expect(agent.monitor.status().streams.map((stream) => stream.backend)).toEqual(['podman']);
  });
});
