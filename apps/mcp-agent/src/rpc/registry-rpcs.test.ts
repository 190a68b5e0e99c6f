// Registry views on real podman: ListServices and GetServiceStatus from the registry, LiveCheck from the runtime now.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import type { ComponentSpec, ServiceSpec } from '@mcp/registry';
import { sampleComponent, sampleRoute, sampleService } from '@mcp/registry/testing';
import { waitForState } from '@mcp/runtime/testing';
import { uniqueName, uniqueNode } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { podmanCli, podmanSkipReason, startAgentTestBed, type AgentTestBed } from '../testing/agent-test-bed.js';
import { inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';
import { registryRpcs } from './registry-rpcs.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`registry views${skipReason ? ` (${skipReason})` : ''}`, { timeout: 30_000 }, () => {
  let bed: AgentTestBed;
  let client: AgentClient;
  const foreign: string[] = [];

  beforeAll(async () => {
    bed = await startAgentTestBed();
    client = inMemoryClient(bed.deps, [registryRpcs]);
  }, 120_000);
  afterAll(() => bed.stop());
  afterEach(async () => {
    for (const container of await bed.runtime.list({ node: bed.deps.node.name })) await bed.runtime.remove(container.name, { force: true });
    if (foreign.length > 0) await podmanCli('rm', '--force', ...foreign.splice(0));
  });

  function component(name: string, overrides: Partial<ComponentSpec> = {}): ComponentSpec {
    return sampleComponent({ name, image: bed.image, routes: [], cmd: ['sleep', '3600'], ...overrides });
  }

  /** Records the service and starts each component's container labelled for this node, as a deploy would. */
  async function deploy(spec: ServiceSpec): Promise<void> {
    bed.deps.registry.upsertService(spec);
    for (const entry of spec.components) {
      await bed.runtime.createAndStart({
        service: spec.name,
        component: entry.name,
        node: bed.deps.node.name,
        image: entry.image,
        ...(entry.cmd === undefined ? {} : { cmd: entry.cmd }),
        stopTimeoutSeconds: 1,
      });
    }
  }

  async function killOutOfBand(name: string): Promise<void> {
    await podmanCli('kill', name);
    await waitForState(bed.runtime, name, 'exited');
  }

  async function failure(call: Promise<unknown>): Promise<ConnectError> {
    return call.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: unknown) => ConnectError.from(error),
    );
  }

  it('lists services sorted by name with desired state, last observed state and route host ports', async () => {
    const later = sampleService({ name: uniqueName('zz'), components: [component('api')] });
    const earlier = sampleService({ name: uniqueName('aa'), components: [component('web', { routes: [sampleRoute({ name: 'http' })] })] });
    bed.deps.registry.upsertService(later);
    bed.deps.registry.upsertService(earlier);
    const { services } = await client.listServices({});
    const ours = services.filter((service) => [earlier.name, later.name].includes(service.name));
    expect(ours.map((service) => service.name)).toEqual([earlier.name, later.name]);
    const web = ours[0]?.components[0];
    expect(web).toMatchObject({ name: 'web', desiredState: 'running', observedState: 'unknown', drift: false, version: 'test' });
    const recorded = bed.deps.registry.getService(earlier.name).components[0]?.routes[0]?.hostPort;
    expect(web?.routes[0]?.hostPort).toBe(recorded);
    expect(recorded).toBeGreaterThanOrEqual(10000);
    expect(ours[0]?.spec?.components[0]?.image).toBe(bed.image);
  });

  it('LiveCheck reports what runs now and records it, so ListServices shows it as last observed', async () => {
    const spec = sampleService({ name: uniqueName('live'), components: [component('api')] });
    await deploy(spec);
    const { instances, warnings } = await client.liveCheck({ service: spec.name });
    expect(warnings).toEqual([]);
    expect(instances).toHaveLength(1);
    expect(instances[0]).toMatchObject({ name: `${spec.name}-api`, state: 'running', managed: true, desiredState: 'running', drift: false, runtime: 'container' });
    expect(instances[0]?.uptime).toBeDefined();
    const listed = (await client.listServices({})).services.find((service) => service.name === spec.name);
    expect(listed?.components[0]).toMatchObject({ observedState: 'running', drift: false });
    expect(listed?.components[0]?.startedAt).toBeDefined();
  });

  it('shows drift everywhere after an out-of-band podman kill', async () => {
    const spec = sampleService({ name: uniqueName('kill'), components: [component('api')] });
    await deploy(spec);
    await client.liveCheck({ service: spec.name });
    await killOutOfBand(`${spec.name}-api`);
    const live = await client.liveCheck({ service: spec.name });
    expect(live.instances[0]).toMatchObject({ state: 'exited', desiredState: 'running', drift: true });
    expect(live.instances[0]?.uptime).toBeUndefined();
    const listed = (await client.listServices({})).services.find((service) => service.name === spec.name);
    expect(listed?.components[0]).toMatchObject({ observedState: 'exited', drift: true });
    const status = await client.getServiceStatus({ service: spec.name });
    expect(status.drift).toHaveLength(1);
    expect(status.drift[0]).toMatchObject({ service: spec.name, component: 'api', desiredState: 'running', observedState: 'exited' });
  });

  it('reports a registry component without a container as missing', async () => {
    const spec = sampleService({ name: uniqueName('gone'), components: [component('api'), component('worker')] });
    await deploy(spec);
    await bed.runtime.remove(`${spec.name}-worker`, { force: true });
    const { instances } = await client.liveCheck({ service: spec.name });
    expect(instances.map((instance) => [instance.component, instance.state, instance.drift])).toEqual([
      ['api', 'running', false],
      ['worker', 'missing', true],
    ]);
    expect(bed.deps.registry.getService(spec.name).components[1]?.observed.state).toBe('missing');
  });

  it("lists this node's unmanaged containers but never another node's", async () => {
    const service = uniqueName('stray');
    const other = uniqueNode();
    await bed.runtime.createAndStart({ service, component: 'mine', node: bed.deps.node.name, image: bed.image, cmd: ['sleep', '3600'] });
    await bed.runtime.createAndStart({ service, component: 'theirs', node: other, image: bed.image, cmd: ['sleep', '3600'] });
    foreign.push(`${service}-theirs`);
    const { instances } = await client.liveCheck({ service });
    expect(instances.map((instance) => [instance.name, instance.managed, instance.drift])).toEqual([[`${service}-mine`, false, false]]);
  });

  it('GetServiceStatus dates the drift and lists recent transitions newest first', async () => {
    const spec = sampleService({ name: uniqueName('events'), components: [component('api')] });
    await deploy(spec);
    await client.liveCheck({ service: spec.name });
    await killOutOfBand(`${spec.name}-api`);
    await client.liveCheck({ service: spec.name });
    const status = await client.getServiceStatus({ service: spec.name });
    expect(status.recentEvents.map((event) => [event.previousState, event.newState])).toEqual([
      ['running', 'exited'],
      ['unknown', 'running'],
    ]);
    const exitedAt = status.recentEvents[0]?.time;
    expect(status.drift[0]?.since && timestampDate(status.drift[0].since)).toEqual(exitedAt && timestampDate(exitedAt));
    const limited = await client.getServiceStatus({ service: spec.name, eventLimit: 1 });
    expect(limited.recentEvents.map((event) => event.newState)).toEqual(['exited']);
  });

  it('GetServiceStatus flags a component that changes state too often as flapping', async () => {
    const spec = sampleService({ name: uniqueName('flap'), components: [component('api')] });
    bed.deps.registry.upsertService(spec);
    for (const state of ['running', 'exited', 'running', 'exited', 'running', 'exited']) {
      bed.deps.registry.recordObservedState({ service: spec.name, component: 'api' }, { state });
    }
    const status = await client.getServiceStatus({ service: spec.name });
    expect(status.drift[0]).toMatchObject({ flapping: true, transitions: 6 });
  });

  it('GetServiceStatus judges flapping by the monitor\'s policy when the agent has one', async () => {
    const spec = sampleService({ name: uniqueName('flap'), components: [component('api')] });
    bed.deps.registry.upsertService(spec);
    for (const state of ['running', 'exited', 'running', 'exited', 'running', 'exited']) {
      bed.deps.registry.recordObservedState({ service: spec.name, component: 'api' }, { state });
    }
    const tolerant = inMemoryClient({ ...bed.deps, flapping: { windowMs: 600_000, maxTransitions: 6 } }, [registryRpcs]);
    const strict = inMemoryClient({ ...bed.deps, flapping: { windowMs: 600_000, maxTransitions: 5 } }, [registryRpcs]);
    expect((await tolerant.getServiceStatus({ service: spec.name })).drift[0]).toMatchObject({ flapping: false, transitions: 6 });
    expect((await strict.getServiceStatus({ service: spec.name })).drift[0]).toMatchObject({ flapping: true, transitions: 6 });
  });

  it('GetServiceStatus shows a stopped service whose container runs as drift', async () => {
    const spec = sampleService({ name: uniqueName('stopped'), components: [component('api')] });
    await deploy(spec);
    bed.deps.registry.setActive(spec.name, false);
    await client.liveCheck({ service: spec.name });
    const status = await client.getServiceStatus({ service: spec.name });
    expect(status.drift[0]).toMatchObject({ desiredState: 'stopped', observedState: 'running' });
  });

  it('answers NotFound naming an unknown service', async () => {
    const name = uniqueName('nobody');
    const status = await failure(client.getServiceStatus({ service: name }));
    const live = await failure(client.liveCheck({ service: name }));
    expect([status.code, live.code]).toEqual([Code.NotFound, Code.NotFound]);
    expect(status.rawMessage).toContain(name);
  });

  it('refuses a negative event limit', async () => {
    expect((await failure(client.getServiceStatus({ eventLimit: -1 }))).code).toBe(Code.InvalidArgument);
  });
});
