// Deploy on real podman: the container answers on its route's host port, redeploys keep ports, failures change nothing.
import { ResultStatus } from '@mcp/proto';
import { openRegistry } from '@mcp/registry';
import { BUSYBOX_INDEX_HTML, uniqueName } from '@mcp/testing';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { HTTPD_ON_PORT, fetchText, hostPortOf, startDeployFixture, withLeakedForwardRule, type DeployFixture } from './deploy.fixture.js';
import { createHostPortProbe } from './port-probe.js';
import { podmanCli, podmanSkipReason } from './testing/agent-test-bed.js';


const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`deploy${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let fixture: DeployFixture;
  beforeAll(async () => {
    fixture = await startDeployFixture();
  }, 120_000);
  afterEach(() => fixture.removeContainers());
  afterAll(() => fixture.close());

  const stepsOf = (result: { steps: { step: string; status: ResultStatus }[] } | undefined) =>
    result?.steps.map((step) => `${step.step}:${ResultStatus[step.status]}`);

  it('serves the component over HTTP on the host port allocated for its route', async () => {
    const spec = fixture.httpService();
    const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
    expect(outcome.success).toBe(true);
    const port = hostPortOf(fixture.deps, spec.name);
    expect(port).toBeGreaterThanOrEqual(fixture.portRange.first);
    expect(port).toBeLessThanOrEqual(fixture.portRange.last);
    expect(outcome.results[0]?.routes.map((route) => route.hostPort)).toEqual([port]);
    expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
  });

  it('skips a host port that a forwarding rule podman left behind still claims, and answers on another', async () => {
    // The first deploy publishes a port, so podman's forward chain exists, as on any node that ever ran a route.
    const first = fixture.httpService();
    await deployService(fixture.deps, { spec: first, pull: 'never' });
    const leaked = hostPortOf(fixture.deps, first.name) + 1;
    await withLeakedForwardRule(leaked, async () => {
      const spec = fixture.httpService();
      const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
      expect(outcome.success).toBe(true);
      const port = hostPortOf(fixture.deps, spec.name);
      expect(port).not.toBe(leaked);
      expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
    });
  });

  it('moves a route whose port another process took just before the start, and answers on the new one', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const taken = (holder.address() as { port: number }).port;
    // The race: the allocation and the check before the start both ran before the other process bound the port,
    // so podman's start is what finds it taken.
    const probe = createHostPortProbe();
    let missed = 0;
    const registry = openRegistry({
      path: join(fixture.bed.dir.path, 'race-registry.db'),
      clock: fixture.deps.clock,
      isPortFree: (port) => (port === taken && missed < 2 ? (missed += 1) > 0 : probe(port)),
      portRange: { first: taken, last: taken + 20 },
    });
    try {
      const spec = fixture.httpService();
      const outcome = await deployService({ ...fixture.deps, registry }, { spec, pull: 'never' });
      expect(outcome.success).toBe(true);
      const port = hostPortOf({ ...fixture.deps, registry }, spec.name);
      expect(port).not.toBe(taken);
      expect(outcome.results[0]?.routes.map((route) => route.hostPort)).toEqual([port]);
      expect(outcome.results[0]?.steps.filter((step) => step.step === 'ports').map((step) => step.detail)).toEqual([
        `http → ${taken} (new)`,
        `moved http ${taken} → ${port}: another process holds the port, or a forwarding rule podman left behind claims it`,
      ]);
      expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
    } finally {
      registry.close();
      holder.close();
    }
  });

  it('moves a kept port that a forwarding rule podman left behind now claims, instead of serving into it', async () => {
    const spec = fixture.httpService();
    await deployService(fixture.deps, { spec, pull: 'never' });
    const kept = hostPortOf(fixture.deps, spec.name);
    // As when podman's service dies in the middle of a start: the port's rule outlives the container.
    await withLeakedForwardRule(kept, async () => {
      const again = await deployService(fixture.deps, { spec, pull: 'never' });
      expect(again.success).toBe(true);
      const port = hostPortOf(fixture.deps, spec.name);
      expect(port).not.toBe(kept);
      expect(again.results[0]?.steps.filter((step) => step.step === 'ports').map((step) => step.detail)).toEqual([
        `http → ${kept} (kept)`,
        `moved http ${kept} → ${port}: another process holds the port, or a forwarding rule podman left behind claims it`,
      ]);
      expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
    });
  });

  it('gives the container $PORT and $PORT_<NAME> of its route', async () => {
    const spec = fixture.httpService({}, {
      cmd: ['sh', '-c', 'echo "$PORT|$PORT_HTTP|$GREETING" > /www/env.txt; exec httpd -f -p $PORT -h /www'],
      env: ['GREETING=hello'],
    });
    await deployService(fixture.deps, { spec, pull: 'never' });
    const port = hostPortOf(fixture.deps, spec.name);
    expect(await fetchText(port, '/env.txt')).toBe(`${port}|${port}|hello\n`);
  });

  it('keeps the host port and replaces the container on redeploy', async () => {
    const spec = fixture.httpService();
    await deployService(fixture.deps, { spec, pull: 'never' });
    const port = hostPortOf(fixture.deps, spec.name);
    const [before] = await fixture.containers(spec.name);
    const again = await deployService(fixture.deps, { spec, pull: 'never' });
    expect(again.success).toBe(true);
    expect(hostPortOf(fixture.deps, spec.name)).toBe(port);
    expect(again.results[0]?.steps.find((step) => step.step === 'ports')?.detail).toBe(`http → ${port} (kept)`);
    const after = await fixture.containers(spec.name);
    expect(after).toHaveLength(1);
    expect(after[0]?.id).not.toBe(before?.id);
    expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
  });

  it('deploys one component only, leaving the other components alone', async () => {
    const base = fixture.httpService();
    const worker = { ...base.components[0]!, name: 'worker', cmd: ['sleep', '600'], routes: [] };
    const spec = { ...base, components: [base.components[0]!, worker] };
    await deployService(fixture.deps, { spec, pull: 'never' });
    const before = await fixture.containers(spec.name);
    const outcome = await deployService(fixture.deps, { spec, component: 'worker', pull: 'never' });
    expect(outcome.results.map((result) => result.name)).toEqual(['worker']);
    const after = await fixture.containers(spec.name);
    const id = (list: typeof before, component: string) => list.find((container) => container.component === component)?.id;
    expect(id(after, 'web')).toBe(id(before, 'web'));
    expect(id(after, 'worker')).not.toBe(id(before, 'worker'));
  });

  it('removes the containers of components a new definition dropped, keeping their rows for purge', async () => {
    const base = fixture.httpService();
    const worker = { ...base.components[0]!, name: 'worker', cmd: ['sleep', '600'], routes: [] };
    await deployService(fixture.deps, { spec: { ...base, components: [base.components[0]!, worker] }, pull: 'never' });
    const outcome = await deployService(fixture.deps, { spec: base, pull: 'never' });
    expect(outcome.results.map((result) => result.name)).toEqual(['web', 'worker']);
    expect(outcome.results[1]?.steps.at(-1)?.detail).toBe(`removed ${base.name}-worker: no longer in the definition`);
    expect((await fixture.containers(base.name)).map((container) => container.component)).toEqual(['web']);
    const dropped = fixture.deps.registry.getService(base.name).components.find((component) => component.name === 'worker');
    expect(dropped?.observed.state).toBe('missing');
  });

  it('reports certificate, proxy and DNS as SKIPPED with the reason, never OK', async () => {
    const spec = fixture.httpService({}, { routes: [{ name: 'http', port: 8443, mode: 'l7', public: false }] });
    const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
    const result = outcome.results[0];
    expect(stepsOf(result)).toEqual(['pull:SKIPPED', 'ports:OK', 'cert:SKIPPED', 'container:OK', 'proxy:SKIPPED', 'dns:SKIPPED', 'registry:OK']);
    const detail = (name: string) => result?.steps.find((step) => step.step === name)?.detail;
    expect(detail('cert')).toBe('no certificate issuer configured on this node; l7 routes without a certificate: http');
    expect(detail('proxy')).toBe('no proxy configured on this node; routes not registered: http');
    expect(detail('dns')).toBe("the master keeps the service's DNS record (SPEC §7, v2 path); the agent writes none; no record registered here");
    expect(result?.status).toBe(ResultStatus.OK);
  });

  it('refuses a unikernel component with a FAILED result and still deploys the containers', async () => {
    const base = fixture.httpService();
    const vm = { name: 'vm', image: fixture.bed.image, runtime: 'unikernel' as const, memoryMb: 64, vcpus: 1, ports: [], volumes: [], env: [], routes: [] };
    const spec = { ...base, components: [base.components[0]!, vm] };
    const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
    expect(outcome.success).toBe(false);
    const [web, refused] = outcome.results;
    expect(web?.status).toBe(ResultStatus.OK);
    expect(refused).toMatchObject({ name: 'vm', status: ResultStatus.FAILED });
    expect(refused?.error).toMatch(/^this node cannot run VMs \(runtime = "unikernel" needs the QEMU backend\): /);
    expect((await fixture.containers(spec.name)).map((container) => container.component)).toEqual(['web']);
  });

  it('stops at a container that cannot start, and records the new definition with the component missing', async () => {
    const spec = fixture.httpService({}, { volumes: [`/nonexistent-${uniqueName('dir')}:/data`] });
    const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
    const result = outcome.results[0];
    expect(outcome.success).toBe(false);
    expect(stepsOf(result)).toEqual(['pull:SKIPPED', 'ports:OK', 'cert:SKIPPED', 'container:FAILED']);
    expect(result?.error).toMatch(/nonexistent/);
    expect(await fixture.containers(spec.name)).toEqual([]);
    const recorded = fixture.deps.registry.getService(spec.name);
    expect(recorded.components[0]?.volumes).toEqual(spec.components[0]?.volumes);
    expect(recorded.components[0]?.observed.state).toBe('missing');
    expect(recorded.components[0]?.routes[0]?.hostPort).toBeDefined();
    const kinds = fixture.deps.registry.listEvents({ service: spec.name }).map((event) => event.kind);
    expect(kinds).toContain('deploy-failed');
  });

  it('changes nothing when an image cannot be pulled', async () => {
    const spec = fixture.httpService();
    await deployService(fixture.deps, { spec, pull: 'never' });
    const [running] = await fixture.containers(spec.name);
    const absent = `localhost/${uniqueName('mcp-absent')}:v1`;
    const helper = { ...spec.components[0]!, name: 'helper', image: absent, cmd: ['sleep', '600'], routes: [] };
    const broken = { ...spec, components: [{ ...spec.components[0]!, env: ['CHANGED=1'] }, helper] };
    const outcome = await deployService(fixture.deps, { spec: broken, pull: 'if-absent' });
    expect(outcome.success).toBe(false);
    const [web, failed] = outcome.results;
    expect(stepsOf(failed)).toEqual(['pull:FAILED']);
    expect(failed?.error).toContain(absent);
    expect(web?.error).toBe('not deployed: the image of component "helper" could not be pulled, so nothing was changed');
    const recorded = fixture.deps.registry.getService(spec.name);
    expect(recorded.components.map((component) => component.name)).toEqual(['web']);
    expect(recorded.components[0]?.env).toEqual([]);
    expect((await fixture.containers(spec.name)).map((container) => container.id)).toEqual([running?.id]);
  });

  it('records a definition with active = false and leaves the service stopped', async () => {
    const spec = fixture.httpService();
    await deployService(fixture.deps, { spec, pull: 'never' });
    const outcome = await deployService(fixture.deps, { spec: { ...spec, active: false }, pull: 'never' });
    expect(outcome.success).toBe(true);
    expect(fixture.deps.registry.getService(spec.name).active).toBe(false);
    expect((await fixture.containers(spec.name)).map((container) => container.state)).toEqual(['exited']);
  });

  it('refuses to replace a container of that name that this node does not own, and leaves it alone', async () => {
    const spec = fixture.httpService();
    const name = `${spec.name}-web`;
    const foreign = (await podmanCli('create', '--name', name, fixture.bed.image)).trim();
    try {
      const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
      expect(outcome.results[0]?.error).toBe(
        `container "${name}" already exists and is not managed by MCP (no mcp.node label); adopt it or remove it; this node will not replace it`,
      );
      expect(await podmanCli('inspect', '--format', '{{.Id}}', name)).toBe(`${foreign}\n`);
    } finally {
      await podmanCli('rm', '--force', foreign);
    }
  });

  it('runs the container with the recorded cmd, restart policy and node label', async () => {
    const spec = fixture.httpService({}, { restart: 'unless-stopped' });
    await deployService(fixture.deps, { spec, pull: 'never' });
    const details = await fixture.bed.runtime.inspect(`${spec.name}-web`);
    expect(details).toMatchObject({ cmd: HTTPD_ON_PORT, restart: 'unless-stopped', node: fixture.deps.node.name, service: spec.name });
    expect(await podmanCli('inspect', '--format', '{{.HostConfig.Init}}', details.id)).toBe('true\n');
  });
});
