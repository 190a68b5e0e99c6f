// PurgeComponent on real podman: only rows whose container is gone AND that are no longer defined go.
import { Code, ConnectError } from '@connectrpc/connect';
import { ResultStatus } from '@mcp/proto';
import type { ComponentSpec, ServiceSpec } from '@mcp/registry';
import { sampleComponent, sampleService } from '@mcp/registry/testing';
import { uniqueName } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { podmanSkipReason, startAgentTestBed, type AgentTestBed } from '../testing/agent-test-bed.js';
import { inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';
import { registryRpcs } from './registry-rpcs.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`PurgeComponent${skipReason ? ` (${skipReason})` : ''}`, { timeout: 30_000 }, () => {
  let bed: AgentTestBed;
  let client: AgentClient;

  beforeAll(async () => {
    bed = await startAgentTestBed();
    client = inMemoryClient(bed.deps, [registryRpcs]);
  }, 120_000);
  afterAll(() => bed.stop());
  afterEach(async () => {
    for (const container of await bed.runtime.list({ node: bed.deps.node.name })) await bed.runtime.remove(container.name, { force: true });
  });

  const component = (name: string): ComponentSpec => sampleComponent({ name, image: bed.image, routes: [], cmd: ['sleep', '3600'] });

  async function start(service: string, name: string): Promise<void> {
    await bed.runtime.createAndStart({ service, component: name, node: bed.deps.node.name, image: bed.image, cmd: ['sleep', '3600'] });
  }

  /** Deploys api + old, then redefines the service with api only: old is a leftover the registry keeps. */
  async function serviceWithDroppedComponent(): Promise<ServiceSpec> {
    const name = uniqueName('purge');
    bed.deps.registry.upsertService(sampleService({ name, components: [component('api'), component('old')] }));
    await start(name, 'api');
    await start(name, 'old');
    const redefined = sampleService({ name, components: [component('api')] });
    bed.deps.registry.upsertService(redefined);
    return redefined;
  }

  const outcome = (results: { component: string; status: ResultStatus }[]) => results.map((result) => [result.component, result.status]);

  it('keeps a dropped component while its container still exists', async () => {
    const spec = await serviceWithDroppedComponent();
    const { results } = await client.purgeComponent({ service: spec.name });
    expect(outcome(results)).toEqual([
      ['api', ResultStatus.SKIPPED],
      ['old', ResultStatus.SKIPPED],
    ]);
    expect(results[1]?.detail).toContain('still exists');
  });

  it('on a dry run names the row it would purge and changes nothing', async () => {
    const spec = await serviceWithDroppedComponent();
    await bed.runtime.remove(`${spec.name}-old`, { force: true });
    const { results, dryRun } = await client.purgeComponent({ service: spec.name, dryRun: true });
    expect(dryRun).toBe(true);
    expect(outcome(results)).toEqual([
      ['api', ResultStatus.SKIPPED],
      ['old', ResultStatus.OK],
    ]);
    expect(results[1]?.detail).toContain('would be purged');
    expect(bed.deps.registry.getService(spec.name).components.map((entry) => entry.name)).toEqual(['api', 'old']);
  });

  it('purges a row that is both gone and no longer defined, and only that one', async () => {
    const spec = await serviceWithDroppedComponent();
    await bed.runtime.remove(`${spec.name}-old`, { force: true });
    await bed.runtime.remove(`${spec.name}-api`, { force: true });
    const { results } = await client.purgeComponent({ service: spec.name });
    expect(outcome(results)).toEqual([
      ['api', ResultStatus.SKIPPED],
      ['old', ResultStatus.OK],
    ]);
    expect(results[0]?.detail).toContain('still defined');
    expect(bed.deps.registry.getService(spec.name).components.map((entry) => entry.name)).toEqual(['api']);
  });

  it('judges every service when none is named', async () => {
    const spec = await serviceWithDroppedComponent();
    await bed.runtime.remove(`${spec.name}-old`, { force: true });
    const { results } = await client.purgeComponent({});
    const ours = results.filter((result) => result.service === spec.name);
    expect(outcome(ours)).toEqual([
      ['api', ResultStatus.SKIPPED],
      ['old', ResultStatus.OK],
    ]);
    expect(bed.deps.registry.getService(spec.name).components.map((entry) => entry.name)).toEqual(['api']);
  });

  it('forgets an undeployed service whose containers are gone, service row included', async () => {
    const name = uniqueName('undeployed');
    bed.deps.registry.upsertService(sampleService({ name, components: [component('api')] }));
    bed.deps.registry.undeployService(name);
    const { results } = await client.purgeComponent({ service: name });
    expect(outcome(results)).toEqual([['api', ResultStatus.OK]]);
    expect(results[0]?.detail).toContain(`service ${name} goes too`);
    expect(bed.deps.registry.findService(name)).toBeUndefined();
  });

  it('keeps a stopped service whose containers still exist', async () => {
    const name = uniqueName('stopped');
    bed.deps.registry.upsertService(sampleService({ name, components: [component('api')] }));
    await start(name, 'api');
    await bed.runtime.stop(`${name}-api`, { timeoutSeconds: 0 });
    bed.deps.registry.setActive(name, false);
    const { results } = await client.purgeComponent({ service: name });
    expect(outcome(results)).toEqual([['api', ResultStatus.SKIPPED]]);
    expect(bed.deps.registry.findService(name)).toBeDefined();
  });

  it('limits itself to one component when asked', async () => {
    const spec = await serviceWithDroppedComponent();
    await bed.runtime.remove(`${spec.name}-old`, { force: true });
    const { results } = await client.purgeComponent({ service: spec.name, component: 'api' });
    expect(outcome(results)).toEqual([['api', ResultStatus.SKIPPED]]);
    expect(bed.deps.registry.getService(spec.name).components).toHaveLength(2);
  });

  it('answers NotFound for an unknown service or component, and InvalidArgument for a component without a service', async () => {
    const spec = await serviceWithDroppedComponent();
    const codeOf = (call: Promise<unknown>) =>
      call.then(
        () => undefined,
        (error: unknown) => ConnectError.from(error).code,
      );
    expect(await codeOf(client.purgeComponent({ service: uniqueName('nobody') }))).toBe(Code.NotFound);
    expect(await codeOf(client.purgeComponent({ service: spec.name, component: 'nope' }))).toBe(Code.NotFound);
    expect(await codeOf(client.purgeComponent({ component: 'api' }))).toBe(Code.InvalidArgument);
  });
});
