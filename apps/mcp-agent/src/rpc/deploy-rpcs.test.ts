// The deploy and lifecycle RPCs through Connect's router with the agent's error interceptor: codes, fields, locking.
import { Code, createClient, createRouterTransport, type Client } from '@connectrpc/connect';
import { McpAgentService, ResultStatus } from '@mcp/proto';
import { createErrorInterceptor } from '@mcp/rpc';
import { BUSYBOX_INDEX_HTML } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerContext } from '../agent-handlers.js';
import { classifyAgentError } from '../classify-error.js';
import { fetchText, protoSpec, startDeployFixture, toProto, type DeployFixture } from '../deploy.fixture.js';
import { podmanSkipReason } from '../testing/agent-test-bed.js';
import { deployRpcs } from './deploy-rpcs.js';
import { failureOf } from './in-memory-client.fixture.js';

const skipReason = await podmanSkipReason();


describe.skipIf(skipReason !== undefined)(`deploy and lifecycle RPCs${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let fixture: DeployFixture;
  let client: Client<typeof McpAgentService>;
  beforeAll(async () => {
    fixture = await startDeployFixture();
    const context: HandlerContext = { capabilities: () => [] };
    const transport = createRouterTransport((router) => router.service(McpAgentService, deployRpcs(fixture.deps, context)), {
      router: { interceptors: [createErrorInterceptor({ classify: classifyAgentError, log: fixture.deps.log })] },
    });
    client = createClient(McpAgentService, transport);
  }, 120_000);
  afterEach(() => fixture.removeContainers());
  afterAll(() => fixture.close());

  it('deploys a service and answers with its route bound to a host port', async () => {
    const spec = fixture.httpService();
    const response = await client.deploy({ service: toProto(spec), noPull: true });
    expect(response.success).toBe(true);
    const port = response.results[0]?.routes[0]?.hostPort ?? 0;
    expect(response.results[0]?.routes[0]?.route?.name).toBe('http');
    expect(await fetchText(port)).toBe(BUSYBOX_INDEX_HTML);
  });

  it('refuses a Deploy without a definition, naming the field', async () => {
    const error = await failureOf(client.deploy({}));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe('service: missing; expected a service definition');
  });

  it('refuses a definition with a bad image, naming service.components[0].image', async () => {
    const spec = protoSpec({ name: 'web', active: true, components: [{ name: 'app', image: 'busybox' }] });
    const error = await failureOf(client.deploy({ service: spec }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^service\.components\[0\]\.image: found "busybox", which has no tag; expected /);
  });

  it('refuses a Deploy of a component the definition does not have', async () => {
    const spec = fixture.httpService();
    const error = await failureOf(client.deploy({ service: toProto(spec), component: 'nope', noPull: true }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe(
      `component "nope" for service "${spec.name}" is not a component of the service definition; expected "" (every component) or one of "web"`,
    );
    expect(fixture.deps.registry.findService(spec.name)).toBeUndefined();
  });

  it('refuses lifecycle calls without a service name', async () => {
    for (const call of [client.stopService({}), client.startService({}), client.restartService({}), client.undeployService({})]) {
      const error = await failureOf(call);
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toBe('service "" is empty; expected a service name');
    }
  });

  it('refuses a malformed service name as InvalidArgument', async () => {
    const error = await failureOf(client.stopService({ service: '../etc' }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^service "\.\.\/etc" is not a valid service name; expected /);
  });

  it('answers NotFound naming a service the registry does not have', async () => {
    for (const call of [
      client.stopService({ service: 'ghost' }),
      client.startService({ service: 'ghost' }),
      client.restartService({ service: 'ghost' }),
      client.undeployService({ service: 'ghost' }),
      client.recover({ service: 'ghost' }),
    ]) {
      const error = await failureOf(call);
      expect(error.code).toBe(Code.NotFound);
      expect(error.rawMessage).toBe(`service "ghost" not found in the registry of node "${fixture.deps.node.name}"`);
    }
  });

  it('answers NotFound naming a component the service does not have on restart', async () => {
    const spec = fixture.httpService();
    await client.deploy({ service: toProto(spec), noPull: true });
    const error = await failureOf(client.restartService({ service: spec.name, component: 'nope' }));
    expect(error.code).toBe(Code.NotFound);
    expect(error.rawMessage).toBe(`component "nope" not found in service "${spec.name}"`);
  });

  it('answers FailedPrecondition to a restart of a stopped service', async () => {
    const spec = fixture.httpService();
    await client.deploy({ service: toProto(spec), noPull: true });
    await client.stopService({ service: spec.name });
    const error = await failureOf(client.restartService({ service: spec.name }));
    expect(error.code).toBe(Code.FailedPrecondition);
  });

  it('refuses a sync naming one service twice, changing nothing', async () => {
    const spec = fixture.httpService();
    const error = await failureOf(client.syncDesiredState({ services: [toProto(spec), toProto(spec)] }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^services\[1\]\.name ".*" names the same service as services\[0\]/);
    expect(fixture.deps.registry.findService(spec.name)).toBeUndefined();
  });

  it('refuses a whole sync when one definition is invalid, naming it', async () => {
    const good = fixture.httpService();
    const bad = protoSpec({ name: 'bad', active: true, components: [{ name: 'app', image: 'localhost/app:1', routes: [{ port: 8443, mode: 'l5' }] }] });
    const error = await failureOf(client.syncDesiredState({ services: [toProto(good), bad] }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^services\[1\]\.components\[0\]\.routes\[0\]\.mode: found "l5"/);
    expect(fixture.deps.registry.findService(good.name)).toBeUndefined();
  });

  it('runs two concurrent deploys of one service one after the other, leaving one container', async () => {
    const spec = toProto(fixture.httpService());
    const [first, second] = await Promise.all([client.deploy({ service: spec, noPull: true }), client.deploy({ service: spec, noPull: true })]);
    expect([first.success, second.success]).toEqual([true, true]);
    const containers = await fixture.containers(spec.name);
    expect(containers).toHaveLength(1);
    expect(containers[0]?.state).toBe('running');
  });

  it('stops, starts and undeploys through the RPCs with per-component results', async () => {
    const spec = fixture.httpService();
    await client.deploy({ service: toProto(spec), noPull: true });
    expect((await client.stopService({ service: spec.name })).results[0]?.status).toBe(ResultStatus.OK);
    expect((await client.startService({ service: spec.name })).results[0]?.status).toBe(ResultStatus.OK);
    const undeployed = await client.undeployService({ service: spec.name });
    expect(undeployed.success).toBe(true);
    expect(undeployed.steps.map((step) => step.step)).toEqual(['registry', 'ports']);
    expect(await fixture.containers(spec.name)).toEqual([]);
  });

  it('recovers every service when none is named', async () => {
    const spec = fixture.httpService();
    await client.deploy({ service: toProto(spec), noPull: true });
    await fixture.removeContainers();
    const response = await client.recover({});
    expect(response.results.find((result) => result.service === spec.name)?.status).toBe(ResultStatus.OK);
  });

  it('logs each RPC outcome without the definition env', async () => {
    const spec = fixture.httpService({}, { env: ['API_TOKEN=very-secret-value'] });
    await client.deploy({ service: toProto(spec), noPull: true });
    const lines = fixture.bed.logs.lines().filter((line) => line.service === spec.name);
    expect(lines.map((line) => line.msg)).toEqual(['Deploy started', 'Deploy finished']);
    expect(lines[1]).toMatchObject({ rpc: 'Deploy', success: true, components: [{ component: 'web', status: 'OK' }] });
    expect(fixture.bed.logs.text()).not.toContain('very-secret-value');
  });
});
