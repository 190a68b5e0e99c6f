// NodeStatus, HealthCheck and Logs on real podman, with containers that print lines.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createHandlerContext } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { LogStream, LogsRequestSchema, McpAgentService, type LogsResponse } from '@mcp/proto';
import { sampleComponent, sampleService } from '@mcp/registry/testing';
import { createPodmanRuntime } from '@mcp/runtime';
import { waitForState } from '@mcp/runtime/testing';
import { uniqueName } from '@mcp/testing';
import { availableParallelism, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../deps.js';
import { podmanCli, podmanSkipReason, startAgentTestBed, type AgentTestBed } from '../testing/agent-test-bed.js';
import { fileRpcs } from './file-rpcs.js';
import { inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';
import { nodeRpcs } from './node-rpcs.js';
import { registryRpcs } from './registry-rpcs.js';

const skipReason = await podmanSkipReason();
const groups = [registryRpcs, fileRpcs, nodeRpcs];

describe.skipIf(skipReason !== undefined)(`node RPCs${skipReason ? ` (${skipReason})` : ''}`, { timeout: 30_000 }, () => {
  let bed: AgentTestBed;
  let client: AgentClient;

  beforeAll(async () => {
    bed = await startAgentTestBed();
    client = inMemoryClient(bed.deps, groups);
  }, 120_000);
  afterAll(() => bed.stop());
  afterEach(async () => {
    for (const container of await bed.runtime.list({ node: bed.deps.node.name })) await bed.runtime.remove(container.name, { force: true });
  });

  /** Records a service and starts one container per component running `script` under sh. */
  async function deployScripts(scripts: Record<string, string>): Promise<string> {
    const service = uniqueName('logs');
    const components = Object.keys(scripts).map((name) => sampleComponent({ name, image: bed.image, routes: [] }));
    bed.deps.registry.upsertService(sampleService({ name: service, components }));
    for (const [component, script] of Object.entries(scripts)) {
      await bed.runtime.createAndStart({ service, component, node: bed.deps.node.name, image: bed.image, cmd: ['sh', '-c', script] });
    }
    return service;
  }

  const texts = (responses: LogsResponse[]): string[] =>
    responses.flatMap((response) => response.lines.map((line) => Buffer.from(line.line).toString('utf8')));

  async function collect(stream: AsyncIterable<LogsResponse>): Promise<LogsResponse[]> {
    const responses: LogsResponse[] = [];
    for await (const response of stream) responses.push(response);
    return responses;
  }

  async function codeOf(call: Promise<unknown>): Promise<Code | undefined> {
    return call.then(
      () => undefined,
      (error: unknown) => ConnectError.from(error).code,
    );
  }

  it('NodeStatus lists the capabilities, facts, runtimes and what runs on the node', async () => {
    await deployScripts({ api: 'sleep 3600', worker: 'sleep 3600' });
    const status = await client.nodeStatus({});
    expect(status).toMatchObject({ node: bed.deps.node.name, role: 'worker', agentVersion: '0.0.0-test', address: bed.deps.listenAddress });
    expect(status.capabilities).toEqual(expect.arrayContaining(['NodeStatus', 'HealthCheck', 'Logs', 'LiveCheck', 'PushFileStream']));
    expect(status.capabilities).not.toContain('ListDNSRecords');
    expect(status.facts).toMatchObject({ hostname: hostname(), os: 'linux', cpus: availableParallelism(), memoryBytes: BigInt(totalmem()) });
    expect(status.facts?.arch).toBe(process.arch === 'x64' ? 'amd64' : process.arch);
    expect(status.facts?.diskBytes).toBeGreaterThan(0n);
    expect(status.capacity).toMatchObject({ containers: 2, cpuMillicores: BigInt(availableParallelism() * 1000) });
    expect(status.capacity?.components).toBe(bed.deps.registry.listServices().reduce((sum, entry) => sum + entry.components.length, 0));
    expect(status.runtimes.map((runtime) => [runtime.name, runtime.componentRuntime, runtime.available])).toEqual([
      ['podman', 'container', true],
      ['qemu', 'unikernel', false],
    ]);
    expect(status.runtimes[0]?.version).not.toBe('');
    expect(status.runtimes[1]?.detail).toContain('VM');
    expect(status.startedAt && timestampDate(status.startedAt)).toEqual(bed.deps.startedAt);
  });

  it('HealthCheck is healthy and counts the running containers this node owns', async () => {
    const service = await deployScripts({ api: 'sleep 3600', worker: 'sleep 3600' });
    await podmanCli('kill', `${service}-worker`);
    await waitForState(bed.runtime, `${service}-worker`, 'exited');
    expect(await client.healthCheck({})).toMatchObject({ status: 'healthy', containers: 1, problems: [] });
  });

  it('HealthCheck is degraded, saying why, when podman cannot be reached or the files root is gone', async () => {
    const broken: AgentDeps = {
      ...bed.deps,
      runtime: createPodmanRuntime({ socketPath: join(bed.dir.path, 'absent.sock') }),
      files: { ...bed.deps.files, root: join(bed.dir.path, 'no-srv') },
    };
    const health = await inMemoryClient(broken, groups).healthCheck({});
    expect(health.status).toBe('degraded');
    expect(health.problems).toHaveLength(2);
    expect(health.problems[0]).toMatch(/^podman: /);
    expect(health.problems[1]).toContain('no-srv');
  });

  it('Logs gives the last lines of a component with tail, without timestamps unless asked', async () => {
    const service = await deployScripts({ api: 'for i in 1 2 3 4 5; do echo line-$i; done' });
    await waitForState(bed.runtime, `${service}-api`, 'exited');
    const responses = await collect(client.logs({ service, component: 'api', tail: 2 }));
    expect(texts(responses)).toEqual(['line-4', 'line-5']);
    const lines = responses.flatMap((response) => response.lines);
    expect(lines.every((line) => line.component === 'api' && line.stream === LogStream.STDOUT && line.time === undefined)).toBe(true);
  });

  it('Logs fills in each line time when timestamps are asked for, keeping the text clean', async () => {
    const service = await deployScripts({ api: 'echo one; echo two >&2' });
    const details = await waitForState(bed.runtime, `${service}-api`, 'exited');
    const lines = (await collect(client.logs({ service, component: 'api', timestamps: true }))).flatMap((response) => response.lines);
    expect(lines.map((line) => [Buffer.from(line.line).toString('utf8'), line.stream])).toEqual(
      expect.arrayContaining([
        ['one', LogStream.STDOUT],
        ['two', LogStream.STDERR],
      ]),
    );
    // podman keeps seconds: a line is stamped no earlier than the second the container was created in.
    const created = Math.floor(details.createdAt.getTime() / 1000) * 1000;
    expect(lines.every((line) => line.time !== undefined && timestampDate(line.time).getTime() >= created)).toBe(true);
  });

  it('Logs of a whole service interleaves every component, each line tagged with its own', async () => {
    const service = await deployScripts({ api: 'echo api-1; echo api-2', worker: 'echo worker-1' });
    await waitForState(bed.runtime, `${service}-api`, 'exited');
    await waitForState(bed.runtime, `${service}-worker`, 'exited');
    const lines = (await collect(client.logs({ service }))).flatMap((response) => response.lines);
    const byComponent = (component: string): string[] =>
      lines.filter((line) => line.component === component).map((line) => Buffer.from(line.line).toString('utf8'));
    expect(byComponent('api')).toEqual(['api-1', 'api-2']);
    expect(byComponent('worker')).toEqual(['worker-1']);
  });

  it('Logs leaves out lines before since', async () => {
    const service = await deployScripts({ api: 'echo early' });
    await waitForState(bed.runtime, `${service}-api`, 'exited');
    const future = { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 };
    expect(texts(await collect(client.logs({ service, component: 'api', since: future })))).toEqual([]);
    expect(texts(await collect(client.logs({ service, component: 'api', since: { seconds: 0n, nanos: 0 } })))).toEqual(['early']);
  });

  it('Logs with follow sends new lines as they come and ends when the container stops', async () => {
    const service = await deployScripts({ api: 'for i in 1 2 3; do echo tick-$i; sleep 0.3; done' });
    const responses = await collect(client.logs({ service, component: 'api', follow: true }));
    expect(texts(responses)).toEqual(['tick-1', 'tick-2', 'tick-3']);
  });

  it('Logs with follow stops reading when the client goes away', async () => {
    const service = await deployScripts({ api: 'i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done' });
    const method = McpAgentService.method.logs;
    const context = createHandlerContext({ service: McpAgentService, method, protocolName: 'grpc', requestMethod: 'POST', url: '/' });
    const logs = nodeRpcs(bed.deps, { capabilities: () => [] }).logs;
    if (logs === undefined) throw new Error('nodeRpcs has no Logs handler');
    const stream = logs(create(LogsRequestSchema, { service, component: 'api', follow: true }), context)[Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.done).toBe(false);
    context.abort();
    // Draining ends although the container keeps printing: the reader was stopped (vitest's timeout is the deadline).
    for (let next = await stream.next(); next.done !== true; next = await stream.next());
    expect((await bed.runtime.inspect(`${service}-api`)).state).toBe('running');
  });

  it('Logs answers NotFound for an unknown service or component, and InvalidArgument for a negative tail', async () => {
    const service = await deployScripts({ api: 'sleep 3600' });
    expect(await codeOf(collect(client.logs({ service: uniqueName('nobody') })))).toBe(Code.NotFound);
    expect(await codeOf(collect(client.logs({ service, component: 'nope' })))).toBe(Code.NotFound);
    expect(await codeOf(collect(client.logs({ service, tail: -1 })))).toBe(Code.InvalidArgument);
  });
});
