// AdoptContainers on real podman: unlabelled <service>-* and bare <service> containers made with the podman CLI, as an
// operator (or the Go agent) would; taken as they run, same container id, labelled at their next replacement.
import { Code, ConnectError } from '@connectrpc/connect';
import { ResultStatus } from '@mcp/proto';
import { sampleComponent, sampleRoute, sampleService } from '@mcp/registry/testing';
import { freeLoopbackPort, uniqueName, uniqueNode } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { podmanCli, podmanSkipReason, startAgentTestBed, type AgentTestBed } from '../testing/agent-test-bed.js';
import { inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';
import { deployService } from '../deploy.js';
import { withServiceLock } from '../service-lock.js';
import { deployRpcs } from './deploy-rpcs.js';
import { registryRpcs } from './registry-rpcs.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`AdoptContainers${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
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

  /** `podman run -d` behind the agent's back: no mcp.* labels. */
  async function runUnlabelled(name: string, ...args: string[]): Promise<void> {
    made.push(name);
    await podmanCli('run', '-d', '--init', '--name', name, ...args);
  }

  it('records an unlabelled <service>-web container with its image, env, ports and command', async () => {
    const service = uniqueName('adopt');
    const port = await freeLoopbackPort();
    await runUnlabelled(`${service}-web`, '-e', 'GREETING=hello', '-p', `127.0.0.1:${port}:8080`, bed.image, 'httpd', '-f', '-p', '8080');
    const { results, dryRun } = await client.adoptContainers({ service });
    expect(dryRun).toBe(false);
    expect(results.map((result) => [result.container, result.component, result.status])).toEqual([[`${service}-web`, 'web', ResultStatus.OK]]);
    const web = bed.deps.registry.getService(service).components[0];
    expect(web).toMatchObject({ name: 'web', image: bed.image, runtime: 'container', ports: [`127.0.0.1:${port}:8080/tcp`], cmd: ['httpd', '-f', '-p', '8080'] });
    expect(web?.env).toContain('GREETING=hello');
    expect(web?.env.some((entry) => entry.startsWith('HOSTNAME=') || entry.startsWith('container='))).toBe(false);
    expect(web?.observed.state).toBe('running');
  });

  it('counts an adopted container as its own from then on: LiveCheck shows it managed, not missing', async () => {
    const service = uniqueName('adopt');
    await runUnlabelled(`${service}-web`, bed.image, 'sleep', '3600');
    await client.adoptContainers({ service });
    const { instances } = await client.liveCheck({ service });
    expect(instances.map((instance) => [instance.name, instance.state, instance.managed])).toEqual([[`${service}-web`, 'running', true]]);
  });

  it('lets lifecycle RPCs act on an adopted container though it bears no node label', async () => {
    const service = uniqueName('adopt');
    await runUnlabelled(`${service}-web`, bed.image, 'sleep', '3600');
    await client.adoptContainers({ service });
    const stopped = await client.stopService({ service });
    expect(stopped.success).toBe(true);
    expect((await bed.runtime.inspect(`${service}-web`)).state).toBe('exited');
  });

  it('changes nothing on a dry run and says what it would do', async () => {
    const service = uniqueName('adopt');
    await runUnlabelled(`${service}-web`, bed.image, 'sleep', '3600');
    const { results, dryRun } = await client.adoptContainers({ service, dryRun: true });
    expect(dryRun).toBe(true);
    expect(results[0]).toMatchObject({ component: 'web', status: ResultStatus.OK });
    expect(results[0]?.detail).toContain('would be adopted');
    expect(bed.deps.registry.findService(service)).toBeUndefined();
  });

  it("never touches another node's containers", async () => {
    const service = uniqueName('adopt');
    await bed.runtime.createAndStart({ service, component: 'other', node: uniqueNode(), image: bed.image, cmd: ['sleep', '3600'] });
    made.push(`${service}-other`);
    const { results } = await client.adoptContainers({ service });
    expect(results).toEqual([]);
    expect(bed.deps.registry.findService(service)).toBeUndefined();
  });

  it('skips a container that is already managed, and one that is not running', async () => {
    const service = uniqueName('adopt');
    await runUnlabelled(`${service}-web`, bed.image, 'sleep', '3600');
    made.push(`${service}-idle`);
    await podmanCli('create', '--name', `${service}-idle`, bed.image, 'sleep', '3600');
    await client.adoptContainers({ service });
    const again = await client.adoptContainers({ service });
    expect(again.results.map((result) => [result.container, result.status])).toEqual([
      [`${service}-idle`, ResultStatus.SKIPPED],
      [`${service}-web`, ResultStatus.SKIPPED],
    ]);
    expect(again.results[0]?.detail).toContain('not running');
    expect(again.results[1]?.detail).toContain('already managed');
  });

  it("keeps a recorded definition and takes its route's host port from the container's $PORT variable", async () => {
    const service = uniqueName('adopt');
    const port = await freeLoopbackPort();
    const route = sampleRoute({ name: 'http', port: 8443 });
    bed.deps.registry.upsertService(sampleService({ name: service, components: [sampleComponent({ name: 'web', image: bed.image, routes: [route] })] }));
    expect(bed.deps.registry.getService(service).components[0]?.routes[0]?.hostPort).not.toBe(port);
    await runUnlabelled(`${service}-web`, '-e', `PORT_HTTP=${port}`, '-p', `127.0.0.1:${port}:${port}`, bed.image, 'httpd', '-f', '-p', String(port));
    const { results } = await client.adoptContainers({ service });
    expect(results[0]?.status).toBe(ResultStatus.OK);
    const web = bed.deps.registry.getService(service).components[0];
    expect(web?.routes[0]?.hostPort).toBe(port);
    expect(web?.ports).toEqual([]);
    expect(web?.observed.containerId).toBeDefined();
  });

  it('refuses a request without a service', async () => {
    const error = await client.adoptContainers({ service: '' }).then(
      () => undefined,
      (thrown: unknown) => ConnectError.from(thrown),
    );
    expect(error?.code).toBe(Code.InvalidArgument);
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
