// Recover on real podman: recreates from the registry alone what should run and does not; never pulls, never duplicates.
import { ResultStatus } from '@mcp/proto';
import { BUSYBOX_INDEX_HTML, uniqueName } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { fetchText, hostPortOf, startDeployFixture, type DeployFixture } from './deploy.fixture.js';
import { stopService } from './lifecycle.js';
import { recoverAtStartup, recoverServices } from './recover.js';
import { podmanCli, podmanSkipReason } from './testing/agent-test-bed.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`recover${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let fixture: DeployFixture;
  const tags: string[] = [];
  beforeAll(async () => {
    fixture = await startDeployFixture();
  }, 120_000);
  afterEach(async () => {
    await fixture.removeContainers();
    for (const tag of tags.splice(0)) await podmanCli('rmi', '--ignore', tag);
  });
  afterAll(() => fixture.close());

  /**
   * Deploys a service whose image exists only locally under a name no registry serves, so any pull would fail:
   * what Recover brings back can only come from the registry and the local image store.
   */
  async function deployedUnpullable() {
    const image = `localhost/${uniqueName('mcp-recover')}:v1`;
    await podmanCli('tag', fixture.bed.image, image);
    tags.push(image);
    const spec = fixture.httpService({}, { image, env: ['GREETING=hello'], restart: 'unless-stopped' });
    const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
    if (!outcome.success) throw new Error(`deploy failed: ${outcome.results.map((result) => result.error).join('; ')}`);
    return { spec, image, container: `${spec.name}-web` };
  }

  it('recreates a container removed behind its back, on its host port, without pulling', async () => {
    const { spec, container } = await deployedUnpullable();
    const port = hostPortOf(fixture.deps, spec.name);
    await podmanCli('rm', '--force', container);
    const outcome = await recoverServices(fixture.deps, { service: spec.name });
    expect(outcome.success).toBe(true);
    expect(outcome.results[0]).toMatchObject({ service: spec.name, component: 'web', status: ResultStatus.OK });
    expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
    expect(fixture.deps.registry.getService(spec.name).components[0]?.observed.state).toBe('running');
  });

  it('gives the recreated container everything recorded: env, $PORT, restart policy, labels', async () => {
    const { spec, container } = await deployedUnpullable();
    const port = hostPortOf(fixture.deps, spec.name);
    await podmanCli('rm', '--force', container);
    await recoverServices(fixture.deps, { service: spec.name });
    const details = await fixture.bed.runtime.inspect(container);
    expect(details.env).toMatchObject({ GREETING: 'hello', PORT: String(port), PORT_HTTP: String(port) });
    expect(details).toMatchObject({ restart: 'unless-stopped', node: fixture.deps.node.name, component: 'web' });
    expect(details.ports).toEqual([expect.objectContaining({ hostPort: port, containerPort: port })]);
  });

  it('leaves a running component alone, so recovering twice never duplicates a container', async () => {
    const { spec } = await deployedUnpullable();
    const [before] = await fixture.containers(spec.name);
    const first = await recoverServices(fixture.deps, { service: spec.name });
    const second = await recoverServices(fixture.deps, { service: spec.name });
    for (const outcome of [first, second]) {
      expect(outcome.results[0]).toMatchObject({ status: ResultStatus.SKIPPED, detail: `already running (${before?.id.slice(0, 12)})` });
    }
    expect((await fixture.containers(spec.name)).map((container) => container.id)).toEqual([before?.id]);
  });

  it('recreates a component whose container exited', async () => {
    const { spec, container } = await deployedUnpullable();
    await podmanCli('stop', container);
    const outcome = await recoverServices(fixture.deps, { service: spec.name });
    expect(outcome.results[0]?.status).toBe(ResultStatus.OK);
    expect((await fixture.containers(spec.name)).map((info) => info.state)).toEqual(['running']);
  });

  it('fails a component whose image is gone, saying so, and creates nothing', async () => {
    const { spec, image, container } = await deployedUnpullable();
    await podmanCli('rm', '--force', container);
    await podmanCli('rmi', image);
    const outcome = await recoverServices(fixture.deps, { service: spec.name });
    expect(outcome.success).toBe(false);
    expect(outcome.results[0]?.status).toBe(ResultStatus.FAILED);
    expect(outcome.results[0]?.error).toBe(
      `image "${image}" is not present on this node, and a container is recreated from the registry without pulling; deploy the service to pull it`,
    );
    expect(await fixture.containers(spec.name)).toEqual([]);
  });

  it('does not consider services whose desired state is stopped', async () => {
    const { spec } = await deployedUnpullable();
    await stopService(fixture.deps, spec.name);
    expect((await recoverServices(fixture.deps, { service: spec.name })).results).toEqual([]);
    expect((await fixture.containers(spec.name)).map((info) => info.state)).toEqual(['exited']);
  });

  it('does not bring back a component that a later definition dropped', async () => {
    const { spec } = await deployedUnpullable();
    const worker = { ...spec.components[0]!, name: 'worker', cmd: ['sleep', '600'], routes: [] };
    await deployService(fixture.deps, { spec: { ...spec, components: [spec.components[0]!, worker] }, pull: 'never' });
    await deployService(fixture.deps, { spec, pull: 'never' });
    const outcome = await recoverServices(fixture.deps, { service: spec.name });
    expect(outcome.results.map((result) => result.component)).toEqual(['web']);
    expect((await fixture.containers(spec.name)).map((container) => container.component)).toEqual(['web']);
  });

  it('recovers every service at start-up and logs what it recreated', async () => {
    const one = await deployedUnpullable();
    const two = await deployedUnpullable();
    await podmanCli('rm', '--force', one.container, two.container);
    await recoverAtStartup(fixture.deps);
    expect((await fixture.containers()).filter((info) => info.state === 'running').map((info) => info.name).sort()).toEqual(
      [one.container, two.container].sort(),
    );
    const recovered = fixture.bed.logs
      .lines()
      .filter((line) => line.msg === 'recovered component')
      .map((line) => line.service);
    expect(recovered).toEqual(expect.arrayContaining([one.spec.name, two.spec.name]));
  });
});
