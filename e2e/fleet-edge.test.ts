// Public routes through the edge (SPEC §6, §7) on a whole local fleet from the built programs (`mcp dev up`): real
// master and agents, podman, HAProxy on worker and edge, pebble as the ACME CA, PowerDNS for the internal zone and
// (the fleet's stand-in for public DNS) example.test. The built CLI deploys a public service through the master; dig
// sees its internal name, HTTPS to its public name on the edge answers from the container with a certificate that
// verifies against the ACME root, re-encrypted to the worker; undeploy removes record, route and certificate. A name
// outside the allowed domains is refused before any agent is called; a killed edge agent fails the edge step by
// name, the route is reported missing, and a retry converges.
import { digShort } from '@mcp/dns/testing';
import { requireRuntime, uniqueName } from '@mcp/testing';
import { access, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
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
const service = uniqueName('pub');
const hostname = `${service}.example.test`;
const evil = uniqueName('evil');
const containers = [`${service}-web`, `${evil}-web`];

function mcp(...args: string[]): Promise<Run> {
  return cli.mcp(...args);
}

async function json<T>(...args: string[]): Promise<T> {
  const answer = await mcp(...args, '--json');
  return JSON.parse(answer.stdout) as T;
}

async function hostOf(node: string): Promise<string> {
  const listed = await json<{ response: { nodes: { name: string; address: string }[] } }>('node', 'list');
  const address = listed.response.nodes.find((entry) => entry.name === node)?.address ?? '';
  return address.slice(0, address.lastIndexOf(':'));
}

async function fleetDig(name: string): Promise<string[]> {
  const fleet = JSON.parse(await readFile(join(fleetDir, 'fleet.json'), 'utf8')) as { host: string; dns: { dnsPort: number } };
  return digShort({ server: fleet.host, port: fleet.dns.dnsPort, name, type: 'A' });
}

/** Names the master keeps in the internal zone (`mcp dns`); dig cannot tell absence: the dev fleet's PowerDNS answers
 * unwritten internal names with the worker (a wildcard). */
async function zoneNames(): Promise<string[]> {
  const zone = await json<{ response: { records?: { name: string; type: string }[] } }>('dns');
  return (zone.response.records ?? []).filter((record) => record.type === 'A').map((record) => record.name);
}

interface HttpsAnswer {
  readonly status: number;
  readonly body: string;
  readonly certificate: PeerCertificate;
}

/** GET https://<servername>/ on <host>:443, verifying the server's chain against `ca` for `servername` only. */
function httpsGet(host: string, servername: string, ca: string): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const call = request({ host, port: 443, path: '/', method: 'GET', servername, ca, headers: { host: servername }, timeout: 10_000 }, (response) => {
      const certificate = (response.socket as TLSSocket).getPeerCertificate();
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body, certificate }));
    });
    call.on('timeout', () => call.destroy(new Error(`no answer from ${host}:443 within 10 s`))).on('error', reject).end();
  });
}

/** The first good answer within 60 s (the route and certificate are in place when deploy answers; HAProxy may lag). */
async function httpsEventually(host: string, servername: string, ca: string): Promise<HttpsAnswer> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const answer = await httpsGet(host, servername, ca);
      if (answer.status === 200) return answer;
      if (Date.now() > deadline) return answer;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await delay(250);
  }
}

interface EdgeListing {
  response: {
    routes?: { hostname: string; edgeNode: string; backendHostname: string; backendPort: number; certExpires?: string; state: string }[];
    edgeNodes?: { node: string; reachable: boolean; routes?: { hostname: string }[]; differences?: { hostname: string; kind: string }[] }[];
  };
}

interface ProxyListing {
  nodes: { node: string; response?: { listeners?: { port: number; routes?: { hostname: string; mode: string; backendTls?: boolean; backend: string }[] }[] } }[];
}

async function edgeProxyRoutes(): Promise<{ hostname: string; mode: string; backendTls?: boolean; backend: string; port: number }[]> {
  const listed = await json<ProxyListing>('route', 'list', '-n', 'edge');
  return (listed.nodes[0]?.response?.listeners ?? []).flatMap((listener) => (listener.routes ?? []).map((route) => ({ ...route, port: listener.port })));
}

const definitionPath = () => join(fleetDir, 'services', `${service}.toml`);
/** The public service's definition as written at the start (mcp undeploy rewrites the file with active = false). */
let publicDefinition = '';
const certificateDir = () => join(fleetDir, 'edge', 'data', 'certs', hostname);
const exists = (path: string) => access(path).then(() => true, () => false);

beforeAll(async () => {
  if (skip !== undefined) return;
  cli = await devFleetCli('mcp-e2e-fleet-edge');
  fleetDir = cli.fleetDir;
  await upDevFleet(cli);
  // The shipped public example, under names of its own so that it never meets another test's containers or routes.
  const example = await readFile(join(repo, 'examples/services/www.toml'), 'utf8');
  const renamed = example.replace('name = "www"', `name = "${service}"`);
  publicDefinition = renamed.replace('hostname = "www.example.test"', `hostname = "${hostname}"`);
  await writeFile(definitionPath(), publicDefinition);
  await writeFile(
    join(fleetDir, 'services', `${evil}.toml`),
    renamed.replace(`name = "${service}"`, `name = "${evil}"`).replace('hostname = "www.example.test"', 'hostname = "x.evilexample.test"'),
  );
}, 600_000);

afterAll(async () => {
  if (skip !== undefined) return;
  await mcp('undeploy', service);
  await mcp('dev', 'down', '--dir', fleetDir);
  for (const container of containers) await run('podman', ['rm', '-f', '-t', '0', container]);
  await cli?.dir.remove();
}, 300_000);

describe.skipIf(skip !== undefined)('a public service through the master and the edge', () => {
  it('refuses a public name outside the allowed domains before any agent is called, and leaves nothing', async () => {
    const refused = await mcp('deploy', '--no-pull', evil);
    expect(refused.exitCode, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(
      'service.components[0].routes[0].hostname: x.evilexample.test is public but not under an allowed public domain; expected a name under example.test (whole labels)',
    );
    const status = await mcp('status', evil);
    expect(status.exitCode).not.toBe(0);
    const edge = await json<EdgeListing>('edge', 'list');
    expect(edge.response.routes ?? []).toEqual([]);
    expect((await edgeProxyRoutes()).map((route) => route.hostname)).not.toContain('x.evilexample.test');
    expect(await zoneNames()).not.toContain(evil);
    const ps = await run('podman', ['ps', '-a', '--filter', `name=^${evil}-`, '--format', '{{.Names}}']);
    expect(ps.stdout.trim()).toBe('');
  });

  it("deploys through the master: dns and edge_route ok, dig answers the worker, HTTPS on the edge answers from the container", async () => {
    const deployed = await mcp('deploy', '--no-pull', service);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    const workerHost = await hostOf('worker');
    const edgeHost = await hostOf('edge');
    expect(deployed.stdout).toContain(`  dns: ok (${service}.svc.mcp.test A ${workerHost} (node worker))`);
    expect(deployed.stdout).toMatch(
      new RegExp(`^ {2}edge_route ${hostname.replaceAll('.', '\\.')}: ok \\(on edge node edge: https://${hostname.replaceAll('.', '\\.')} → ${service}\\.svc\\.mcp\\.test:8443 \\(re-encrypted\\), certificate expires `, 'm'),
    );
    expect(await fleetDig(`${service}.svc.mcp.test`)).toEqual([workerHost]);
    expect(await zoneNames()).toContain(service);

    const root = await readFile(join(fleetDir, 'ca', 'acme-root.pem'), 'utf8');
    const answer = await httpsEventually(edgeHost, hostname, root);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('hello from mcp busybox\n');
    expect(answer.certificate.subjectaltname).toBe(`DNS:${hostname}`);

    // The edge's route terminates the public name and re-encrypts to the worker's proxy.
    const route = (await edgeProxyRoutes()).find((entry) => entry.hostname === hostname);
    expect(route).toMatchObject({ mode: 'l7', backendTls: true, port: 443 });
    expect(await exists(join(certificateDir(), 'fullchain.pem'))).toBe(true);

    const listed = await json<EdgeListing>('edge', 'list');
    expect(listed.response.routes).toEqual([
      expect.objectContaining({ hostname, edgeNode: 'edge', backendHostname: `${service}.svc.mcp.test`, backendPort: 8443, state: 'ok' }),
    ]);
    expect(listed.response.routes?.[0]?.certExpires).toMatch(/^\d{4}-\d\d-\d\dT/);
    const status = await mcp('status', service);
    expect(status.stdout).toMatch(new RegExp(`^${service}\\s+${hostname.replaceAll('.', '\\.')}\\s+edge\\s+ok\\s+\\d{4}-`, 'm'));
    const edgeStatus = await mcp('edge', 'status');
    expect(edgeStatus.exitCode, edgeStatus.stdout).toBe(0);
  }, 200_000);

  it('undeploy removes the DNS record, the edge route and its certificate', async () => {
    const gone = await mcp('undeploy', service);
    expect(gone.exitCode, gone.stdout + gone.stderr).toBe(0);
    expect(gone.stdout).toMatch(new RegExp(`^ {2}edge_route ${hostname.replaceAll('.', '\\.')}: ok \\(removed from edge node edge`, 'm'));
    expect(await zoneNames()).not.toContain(service);
    expect((await json<EdgeListing>('edge', 'list')).response.routes ?? []).toEqual([]);
    const edge = await json<EdgeListing>('edge', 'status');
    expect(edge.response.edgeNodes?.map((node) => [node.node, node.reachable, node.routes ?? [], node.differences ?? []])).toEqual([['edge', true, [], []]]);
    expect((await edgeProxyRoutes()).map((route) => route.hostname)).not.toContain(hostname);
    expect(await exists(certificateDir())).toBe(false);
  });

  it('a killed edge agent fails the edge step by name; start-up reconciliation reports the route missing; a retry converges', async () => {
    // mcp undeploy wrote active = false into the definition; the operator deploys it active again.
    await writeFile(definitionPath(), publicDefinition);
    const edgePid = Number((await readFile(join(fleetDir, 'edge', 'agent.pid'), 'utf8')).trim());
    process.kill(edgePid, 'SIGKILL');
    await waitUntil(async () => !(await isRunning(edgePid)), 'the edge agent to stop');

    const failed = await mcp('deploy', '--no-pull', service);
    expect(failed.exitCode, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(new RegExp(`^ {2}edge_route ${hostname.replaceAll('.', '\\.')}: failed: on edge node edge: node edge \\(.*\\) is unreachable`, 'm'));
    expect(failed.stdout).toMatch(/^ {2}dns: ok /m);
    expect(failed.stdout).toMatch(/^ {2}record: ok /m);

    // The edge comes back without the route: Status and mcp edge status report it missing.
    const edgeUp = await mcp('dev', 'up', '--dir', fleetDir);
    expect(edgeUp.exitCode, edgeUp.stdout + edgeUp.stderr).toBe(0);
    await waitUntil(async () => (await json<EdgeListing>('edge', 'list')).response.routes?.[0]?.state === 'missing', 'the edge agent to answer again');
    const missing = await mcp('edge', 'status');
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain(`  missing ${hostname}: recorded for service ${service}, not served by edge`);

    // A master restarted now reports it in its start-up reconciliation (the edge answers, the route is absent).
    const masterPid = Number((await readFile(join(fleetDir, 'master', 'master.pid'), 'utf8')).trim());
    process.kill(masterPid, 'SIGTERM');
    await waitUntil(async () => !(await isRunning(masterPid)), 'the master to stop');
    const masterUp = await mcp('dev', 'up', '--dir', fleetDir);
    expect(masterUp.exitCode, masterUp.stdout + masterUp.stderr).toBe(0);
    const reported = async () =>
      (await readFile(join(fleetDir, 'master', 'master.log'), 'utf8'))
        .split('\n')
        .filter((line) => line.includes('"missing-edge-route"'))
        .map((line) => JSON.parse(line) as { service: string; node: string; msg: string })
        .filter((line) => line.service === service);
    await waitUntil(async () => (await reported()).length > 0, 'the start-up reconciliation to report the missing route');
    expect((await reported())[0]).toMatchObject({
      node: 'edge',
      msg: `edge route ${hostname} of service ${service} is recorded on edge node edge, but that node does not serve it (mcp deploy or mcp sync sets it up again)`,
    });

    const retried = await mcp('deploy', '--no-pull', service);
    expect(retried.exitCode, retried.stdout + retried.stderr).toBe(0);
    expect(retried.stdout).toMatch(new RegExp(`^ {2}edge_route ${hostname.replaceAll('.', '\\.')}: ok `, 'm'));
    expect((await mcp('edge', 'status')).exitCode).toBe(0);
    const root = await readFile(join(fleetDir, 'ca', 'acme-root.pem'), 'utf8');
    expect((await httpsEventually(await hostOf('edge'), hostname, root)).body).toBe('hello from mcp busybox\n');
  }, 400_000);
});

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(250);
  }
}
