// Stop, start, restart and undeploy on real podman: container state, desired state, ports and step reports.
import { ResultStatus } from '@mcp/proto';
import { BUSYBOX_INDEX_HTML } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { fetchText, hostPortOf, startDeployFixture, withLeakedForwardRule, type DeployFixture } from './deploy.fixture.js';
import { FailedPreconditionError } from './errors.js';
import { restartService, startService, stopService, undeployService } from './lifecycle.js';
import { podmanCli, podmanSkipReason } from './testing/agent-test-bed.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`service lifecycle${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let fixture: DeployFixture;
  beforeAll(async () => {
    fixture = await startDeployFixture();
  }, 120_000);
  afterEach(() => fixture.removeContainers());
  afterAll(() => fixture.close());

  async function deployed(components: 'one' | 'two' = 'one') {
    const base = fixture.httpService();
    const worker = { ...base.components[0]!, name: 'worker', cmd: ['sleep', '600'], routes: [] };
    const spec = components === 'one' ? base : { ...base, components: [base.components[0]!, worker] };
    const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
    if (!outcome.success) throw new Error(`deploy failed: ${outcome.results.map((result) => result.error).join('; ')}`);
    return spec;
  }
  const stateOf = async (name: string) => (await fixture.bed.runtime.inspect(name)).state;
  const stepsOf = (result: { steps: { step: string; status: ResultStatus }[] } | undefined) =>
    result?.steps.map((step) => `${step.step}:${ResultStatus[step.status]}`);

  it('stops the container after DNS and proxy, and sets the desired state to stopped', async () => {
    const spec = await deployed();
    const outcome = await stopService(fixture.deps, spec.name);
    expect(outcome.success).toBe(true);
    expect(stepsOf(outcome.results[0])).toEqual(['dns:SKIPPED', 'proxy:SKIPPED', 'container:OK']);
    expect(await stateOf(`${spec.name}-web`)).toBe('exited');
    const recorded = fixture.deps.registry.getService(spec.name);
    expect(recorded.active).toBe(false);
    expect(recorded.components[0]?.observed.state).toBe('exited');
  });

  it('reports a component that is already stopped as SKIPPED', async () => {
    const spec = await deployed();
    await stopService(fixture.deps, spec.name);
    const again = await stopService(fixture.deps, spec.name);
    expect(again.results[0]).toMatchObject({ status: ResultStatus.SKIPPED, success: true });
    expect(again.results[0]?.steps.at(-1)?.detail).toBe('already stopped (exited)');
  });

  it('starts a stopped service again on the same host port, desired state running', async () => {
    const spec = await deployed();
    const port = hostPortOf(fixture.deps, spec.name);
    await stopService(fixture.deps, spec.name);
    const outcome = await startService(fixture.deps, spec.name);
    expect(outcome.success).toBe(true);
    expect(stepsOf(outcome.results[0])).toEqual(['container:OK', 'proxy:SKIPPED', 'dns:SKIPPED']);
    expect(fixture.deps.registry.getService(spec.name).active).toBe(true);
    expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
    expect(await fixture.containers(spec.name)).toHaveLength(1);
  });

  it('recreates from the registry a container that was removed behind its back', async () => {
    const spec = await deployed();
    const port = hostPortOf(fixture.deps, spec.name);
    await podmanCli('rm', '--force', `${spec.name}-web`);
    const outcome = await startService(fixture.deps, spec.name);
    expect(outcome.results[0]?.status).toBe(ResultStatus.OK);
    expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
  });

  it('leaves a running container alone on start', async () => {
    const spec = await deployed();
    const [before] = await fixture.containers(spec.name);
    const outcome = await startService(fixture.deps, spec.name);
    expect(outcome.results[0]?.steps[0]).toMatchObject({ status: ResultStatus.SKIPPED, detail: `already running (${before?.id.slice(0, 12)})` });
    expect((await fixture.containers(spec.name)).map((container) => container.id)).toEqual([before?.id]);
  });

  it('restarts every component in place: new containers, same ports, desired state unchanged', async () => {
    const spec = await deployed('two');
    const port = hostPortOf(fixture.deps, spec.name);
    const before = await fixture.containers(spec.name);
    const outcome = await restartService(fixture.deps, spec.name);
    expect(outcome.results.map((result) => result.status)).toEqual([ResultStatus.OK, ResultStatus.OK]);
    const after = await fixture.containers(spec.name);
    expect(after).toHaveLength(2);
    expect(after.map((container) => container.id).filter((id) => before.some((old) => old.id === id))).toEqual([]);
    expect(fixture.deps.registry.getService(spec.name).active).toBe(true);
    expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
  });

  it('restarts on a free port when a forwarding rule podman left behind claims the component\'s port', async () => {
    const spec = await deployed();
    const kept = hostPortOf(fixture.deps, spec.name);
    await withLeakedForwardRule(kept, async () => {
      const outcome = await restartService(fixture.deps, spec.name);
      expect(outcome.success).toBe(true);
      const port = hostPortOf(fixture.deps, spec.name);
      expect(port).not.toBe(kept);
      expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
    });
  });

  it('restarts only the component asked for', async () => {
    const spec = await deployed('two');
    const before = await fixture.containers(spec.name);
    const outcome = await restartService(fixture.deps, spec.name, 'worker');
    expect(outcome.results.map((result) => result.name)).toEqual(['worker']);
    const after = await fixture.containers(spec.name);
    const id = (list: typeof before, component: string) => list.find((container) => container.component === component)?.id;
    expect(id(after, 'web')).toBe(id(before, 'web'));
    expect(id(after, 'worker')).not.toBe(id(before, 'worker'));
  });

  it('refuses to restart a service whose desired state is stopped', async () => {
    const spec = await deployed();
    await stopService(fixture.deps, spec.name);
    await expect(restartService(fixture.deps, spec.name)).rejects.toThrow(FailedPreconditionError);
    expect(await stateOf(`${spec.name}-web`)).toBe('exited');
  });

  it('undeploys: container removed, service inactive, host ports released for another service', async () => {
    const spec = await deployed();
    const port = hostPortOf(fixture.deps, spec.name);
    const outcome = await undeployService(fixture.deps, spec.name);
    expect(outcome.success).toBe(true);
    expect(stepsOf(outcome.results[0])).toEqual(['dns:SKIPPED', 'proxy:SKIPPED', 'cert:SKIPPED', 'container:OK', 'ports:OK']);
    expect(outcome.steps.map((step) => `${step.step}:${ResultStatus[step.status]}`)).toEqual(['registry:OK', 'ports:OK']);
    expect(await fixture.containers(spec.name)).toEqual([]);
    const recorded = fixture.deps.registry.getService(spec.name);
    expect(recorded.active).toBe(false);
    expect(recorded.components[0]?.routes[0]?.hostPort).toBeUndefined();
    expect(recorded.components[0]?.observed.state).toBe('missing');
    // A route may insist on a host port; the registry refuses one that another route still holds.
    const next = fixture.httpService({}, { routes: [{ name: 'http', port: 8443, mode: 'l4', public: false, hostPort: port }] });
    expect((await deployService(fixture.deps, { spec: next, pull: 'never' })).success).toBe(true);
    expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
  });

  it('undeploys an undeployed service again without failing', async () => {
    const spec = await deployed();
    await undeployService(fixture.deps, spec.name);
    const again = await undeployService(fixture.deps, spec.name);
    expect(again.success).toBe(true);
    expect(again.results[0]?.status).toBe(ResultStatus.SKIPPED);
    expect(again.steps.find((step) => step.step === 'ports')?.detail).toBe('already released');
  });

  it('starts an undeployed service with freshly allocated host ports', async () => {
    const spec = await deployed();
    await undeployService(fixture.deps, spec.name);
    const outcome = await startService(fixture.deps, spec.name);
    expect(outcome.success).toBe(true);
    const port = hostPortOf(fixture.deps, spec.name);
    expect(outcome.results[0]?.routes[0]?.hostPort).toBe(port);
    expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
  });
});
