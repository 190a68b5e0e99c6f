// Adopting what the Go agent made on real podman: a container named just `<service>` (its component bears the
// service's name) is taken as it runs, same container id, listed by ListServices; labels come at its next replacement.
import { ResultStatus } from '@mcp/proto';
import { uniqueName } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from '../deploy.js';
import { withServiceLock } from '../service-lock.js';
import { podmanCli, podmanSkipReason, startAgentTestBed, type AgentTestBed } from '../testing/agent-test-bed.js';
import { inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';
import { deployRpcs } from './deploy-rpcs.js';
import { registryRpcs } from './registry-rpcs.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`AdoptContainers of a bare <service> container${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let bed: AgentTestBed;
  let client: AgentClient;
  const made: string[] = [];

  beforeAll(async () => {
    bed = await startAgentTestBed();
    client = inMemoryClient(bed.deps, [registryRpcs, deployRpcs]);
  }, 120_000);
  afterAll(() => bed.stop());
  afterEach(async () => {
    if (made.length > 0) await podmanCli('rm', '--force', '--time', '0', ...made.splice(0));
  });

  it('adopts `podman run --name <service>` as component <service> without restarting it, and lists it', async () => {
    const service = uniqueName('app');
    made.push(service);
    await podmanCli('run', '-d', '--init', '--name', service, bed.image, 'sleep', '3600');
    const before = await bed.runtime.inspect(service);

    const { results } = await client.adoptContainers({ service });
    expect(results.map((result) => [result.container, result.component, result.status])).toEqual([[service, service, ResultStatus.OK]]);
    const after = await bed.runtime.inspect(service);
    expect([after.id, after.state, after.startedAt]).toEqual([before.id, 'running', before.startedAt]);

    const listed = await client.listServices({});
    const entry = listed.services.find((candidate) => candidate.name === service);
    expect(entry?.components.map((component) => [component.name, component.observedState])).toEqual([[service, 'running']]);
    const { instances } = await client.liveCheck({ service });
    expect(instances.map((instance) => [instance.name, instance.managed])).toEqual([[service, true]]);
  });

  it('gives the adopted container its labels when a deploy replaces it, under the same bare name', async () => {
    const service = uniqueName('app');
    made.push(service);
    await podmanCli('run', '-d', '--init', '--name', service, bed.image, 'sleep', '3600');
    await client.adoptContainers({ service });
    const spec = bed.deps.registry.getService(service);
    const outcome = await withServiceLock(bed.deps.registry, service, () =>
      deployService(bed.deps, { spec: { ...spec, components: spec.components.map((component) => ({ ...component, routes: [] })) }, pull: 'never' }),
    );
    expect(outcome.success, JSON.stringify(outcome.results)).toBe(true);
    const replaced = await bed.runtime.inspect(service);
    expect(replaced.labels).toMatchObject({ 'mcp.node': bed.deps.node.name, 'mcp.service': service, 'mcp.component': service });
  });
});
