// The operator's first day: `mcp dev up` starts a whole local fleet from the built programs, the built CLI deploys
// the example service through the master onto the worker, where it answers, and `mcp dev down` stops every process
// and keeps the data. Real processes, real podman, real SQLite files, TLS on loopback.
import { digShort } from '@mcp/dns/testing';
import { fetchThrough } from '@mcp/proxy/testing';
import { requireRuntime, uniqueName } from '@mcp/testing';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devFleetCli, isRunning, upDevFleet, type DevFleetCli } from './support/dev-fleet-cli.js';
import { repo, run, type Run } from './support/programs.js';

const skip = await requireRuntime('podman', async () => {
  const probe = await run('podman', ['version', '--format', '{{.Client.Version}}']);
  return probe.exitCode === 0 ? { available: true, version: probe.stdout.trim() } : { available: false, reason: probe.stderr.trim() };
});

let cli: DevFleetCli;
let fleetDir: string;
const service = uniqueName('hello');
const publicService = uniqueName('www');
const nodes = ['master', 'worker', 'edge'];

function mcp(...args: string[]): Promise<Run> {
  return cli.mcp(...args);
}

/** Every pid file of the fleet: the master's, one per agent, and its DNS server's. */
function pidFiles(): string[] {
  return [join(fleetDir, 'master', 'master.pid'), ...nodes.map((node) => join(fleetDir, node, 'agent.pid')), join(fleetDir, 'dns', 'pdns.pid')];
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
  if (skip !== undefined) return;
  cli = await devFleetCli('mcp-e2e-dev-fleet');
  fleetDir = cli.fleetDir;
  // The image the quickstart builds for the examples, with the same script, then mcp dev up.
  await upDevFleet(cli);
  // The example as shipped, under a name of its own so that it never meets another test's containers.
  const example = await readFile(join(repo, 'examples/services/hello.toml'), 'utf8');
  await writeFile(join(fleetDir, 'services', `${service}.toml`), example.replace("name = 'hello'", `name = '${service}'`));
});

afterAll(async () => {
  if (skip !== undefined) return;
  await mcp('dev', 'down', '--dir', fleetDir);
  // One name per call: podman 4.3 removes nothing when one of several names is missing (undeploy removed www's).
  for (const name of [`${service}-web`, `${publicService}-web`]) await run('podman', ['rm', '-f', '-t', '0', name]);
  await cli?.dir.remove();
});

describe.skipIf(skip !== undefined)('mcp dev up, a deploy through the master, mcp dev down', () => {
  it('starts a master and agents that register with it as master, worker and edge', async () => {
    const listed = await mcp('node', 'list', '--json');
    expect(listed.exitCode, listed.stderr).toBe(0);
    const answer = JSON.parse(listed.stdout) as { response: { nodes: { name: string; role: string; status: string }[] } };
    expect(answer.response.nodes.map(({ name, role, status }) => ({ name, role, status }))).toEqual([
      { name: 'edge', role: 'edge', status: 'healthy' },
      { name: 'master', role: 'master', status: 'healthy' },
      { name: 'worker', role: 'worker', status: 'healthy' },
    ]);
  });

  it('says the fleet is already running when it is, and starts nothing', async () => {
    const before = await Promise.all(pidFiles().map((file) => readFile(file, 'utf8')));
    const again = await mcp('dev', 'up', '--dir', fleetDir);
    expect([again.exitCode, again.stdout.split('\n')[0]]).toEqual([0, `fleet in ${fleetDir}: already running`]);
    expect(await Promise.all(pidFiles().map((file) => readFile(file, 'utf8')))).toEqual(before);
  });

  it('deploys the example through the master onto the worker, where it answers on its host port', async () => {
    const deployed = await mcp('deploy', '--no-pull', service);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stderr).toContain(`deploying ${service} via the master`);
    expect(deployed.stdout).toMatch(/^ {2}place: ok \(node worker: /m);
    expect(deployed.stdout).toMatch(/^ {4}web: ok$/m);

    const ps = await mcp('ps');
    expect(ps.exitCode).toBe(0);
    expect(ps.stdout).toMatch(new RegExp(`^${service}\\s+web\\s+worker\\s+running\\s+test\\s+\\d+[smhd]`, 'm'));

    const listed = JSON.parse((await mcp('node', 'list', '--json')).stdout) as { response: { nodes: { name: string; address: string }[] } };
    const workerAddress = listed.response.nodes.find((node) => node.name === 'worker')?.address ?? '';
    const workerHost = workerAddress.slice(0, workerAddress.lastIndexOf(':'));
    expect(deployed.stdout).toContain(`  dns: ok (${service}.svc.mcp.test A ${workerHost} (node worker))`);
    const fleetJson = JSON.parse(await readFile(join(fleetDir, 'fleet.json'), 'utf8')) as { host: string; dns: { dnsPort: number } };
    expect(await digShort({ server: fleetJson.host, port: fleetJson.dns.dnsPort, name: `${service}.svc.mcp.test`, type: 'A' })).toEqual([workerHost]);
    const zone = await mcp('dns');
    expect(zone.stdout).toMatch(new RegExp(`^ZONE: svc\\.mcp\\.test\n(.*\n)*${service}\\s+A\\s+${workerHost.replaceAll('.', '\\.')}\\s+60$`, 'm'));

    const status = await mcp('status', service, '--json');
    const answer = JSON.parse(status.stdout) as { response: { services: { components: { routes: { hostPort: number }[] }[] }[] } };
    const port = answer.response.services[0]?.components[0]?.routes[0]?.hostPort ?? 0;
    expect(port).toBeGreaterThan(0);
    expect(await httpBody(port)).toBe('hello from mcp busybox\n');
  });

  it('serves a public route through the edge node: its own certificate for the public name, re-encrypted to the worker', async () => {
    const hostname = `${publicService}.example.test`;
    const example = await readFile(join(repo, 'examples/services/www.toml'), 'utf8');
    await writeFile(join(fleetDir, 'services', `${publicService}.toml`), example.replace('name = "www"', `name = "${publicService}"`).replace('"www.example.test"', `"${hostname}"`));
    const deployed = await mcp('deploy', '--no-pull', publicService);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(new RegExp(`^ {2}edge_route ${hostname.replaceAll('.', '\\.')}: ok \\(on edge node edge: `, 'm'));
    const listed = JSON.parse((await mcp('node', 'list', '--json')).stdout) as { response: { nodes: { name: string; address: string }[] } };
    const edgeAddress = listed.response.nodes.find((node) => node.name === 'edge')?.address ?? '';
    const edgeHost = edgeAddress.slice(0, edgeAddress.lastIndexOf(':'));
    const caPem = await readFile(join(fleetDir, 'ca', 'acme-root.pem'), 'utf8');
    const answer = await fetchThrough({ address: edgeHost, port: 443, hostname, caPem });
    expect([answer.status, answer.body]).toEqual([200, 'hello from mcp busybox\n']);

    const undeployed = await mcp('undeploy', publicService);
    expect(undeployed.exitCode, undeployed.stdout + undeployed.stderr).toBe(0);
    await expect(fetchThrough({ address: edgeHost, port: 443, hostname, caPem })).rejects.toThrow();
  });

  it('stops every process with mcp dev down and keeps the data', async () => {
    const pids = await Promise.all(pidFiles().map(async (file) => Number((await readFile(file, 'utf8')).trim())));
    expect(await Promise.all(pids.map(isRunning))).toEqual(pids.map(() => true));
    const down = await mcp('dev', 'down', '--dir', fleetDir);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await Promise.all(pids.map(isRunning))).toEqual(pids.map(() => false));
    const kept = [
      join(fleetDir, 'mcp.toml'),
      join(fleetDir, 'services', `${service}.toml`),
      join(fleetDir, 'master', 'mcp-master', 'data', 'master.db'),
      ...nodes.map((node) => join(fleetDir, node, 'data', 'registry.db')),
    ];
    const missing = (await Promise.all(kept.map((file) => access(file).then(() => undefined, () => file)))).filter((file) => file !== undefined);
    expect(missing).toEqual([]);
  });
});
