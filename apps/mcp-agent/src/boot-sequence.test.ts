// The boot sequence on real podman and real loopback servers: order, the first stage's wait, later stages' warnings.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckTarget, type CheckKind } from './boot-checks.js';
import { runBootSequence, type BootStage } from './boot-sequence.js';
import { deployService } from './deploy.js';
import { hostPortOf, startDeployFixture, type DeployFixture } from './deploy.fixture.js';
import { stopService } from './lifecycle.js';
import { withServiceLock } from './service-lock.js';
import { podmanCli, podmanSkipReason } from './testing/agent-test-bed.js';

const skipReason = await podmanSkipReason();

function stage(name: string, check: CheckKind, target: string, more: Partial<BootStage> = {}): BootStage {
  const parsed = parseCheckTarget(check, target);
  if (!parsed.ok) throw new Error(parsed.problem);
  return { name, services: [], target: parsed.target, timeoutMs: 1000, retryIntervalMs: 20, waitMs: 200, ...more };
}

const servers: Server[] = [];

/** An HTTP server answering 503 to its first `unhealthyChecks` requests, then 200; it counts what it answered. */
async function healthServer(unhealthyChecks: number, onRequest: (count: number) => void = () => undefined) {
  let count = 0;
  const server = createServer((_request, response) => {
    count += 1;
    onRequest(count);
    response.writeHead(count > unhealthyChecks ? 200 : 503).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`, count: () => count };
}

async function closedPort(): Promise<number> {
  const server = createTcpServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(skipReason !== undefined)(`boot sequence${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let fixture: DeployFixture;
  beforeAll(async () => {
    fixture = await startDeployFixture();
  }, 120_000);
  afterEach(async () => {
    await fixture.removeContainers();
    for (const server of servers.splice(0)) server.close();
  });
  afterAll(() => fixture.close());

  /** A deployed service whose container was then removed behind the agent's back: the boot sequence must start it. */
  async function deployedButGone() {
    const spec = fixture.httpService();
    const outcome = await withServiceLock(fixture.deps.registry, spec.name, () => deployService(fixture.deps, { spec, pull: 'never' }));
    if (!outcome.success) throw new Error(`deploy failed: ${outcome.results.map((result) => result.error).join('; ')}`);
    await podmanCli('rm', '--force', `${spec.name}-web`);
    return { name: spec.name, port: hostPortOf(fixture.deps, spec.name) };
  }

  function logIndex(stageName: string, message: string, service?: string): number {
    return fixture.bed.logs
      .lines()
      .findIndex((line) => line['stage'] === stageName && line['msg'] === message && (service === undefined || line['service'] === service));
  }

  it('starts the stages in order, each once the one before it is healthy', async () => {
    const first = await deployedButGone();
    const second = await deployedButGone();
    const outcomes = await runBootSequence(fixture.deps, [
      stage('first', 'tcp', `127.0.0.1:${first.port}`, { services: [first.name] }),
      stage('second', 'tcp', `127.0.0.1:${second.port}`, { services: [second.name], waitMs: 30_000 }),
    ]);
    expect(outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([
      ['first', 'healthy'],
      ['second', 'healthy'],
    ]);
    expect((await fixture.containers()).filter((container) => container.state === 'running').map((container) => container.service).sort()).toEqual(
      [first.name, second.name].sort(),
    );
    const firstHealthy = logIndex('first', 'boot stage healthy');
    expect(logIndex('first', 'boot stage: component started', first.name)).toBeLessThan(firstHealthy);
    expect(firstHealthy).toBeLessThan(logIndex('second', 'boot stage: component started', second.name));
  });

  it('blocks on the first stage until its check passes, logging each failed attempt', async () => {
    const first = await healthServer(3);
    let firstChecksWhenSecondBegan: number | undefined;
    const second = await healthServer(0, (count) => {
      if (count === 1) firstChecksWhenSecondBegan = first.count();
    });
    const outcomes = await runBootSequence(fixture.deps, [stage('gate', 'http', first.url), stage('after', 'http', second.url)]);
    expect(outcomes).toEqual([
      { name: 'gate', status: 'healthy', attempts: 4, skipped: [] },
      { name: 'after', status: 'healthy', attempts: 1, skipped: [] },
    ]);
    expect(firstChecksWhenSecondBegan).toBe(4);
    const waits = fixture.bed.logs.lines().filter((line) => line['stage'] === 'gate' && line['msg'] === 'boot stage not healthy yet; the agent waits for it');
    expect(waits.map((line) => [line['level'], line['attempt'], line['reason']])).toEqual([
      [40, 1, 'HTTP 503'],
      [40, 2, 'HTTP 503'],
      [40, 3, 'HTTP 503'],
    ]);
  });

  it('warns about a later stage that stays unhealthy and goes on with the next one', async () => {
    const ok = await healthServer(0);
    const outcomes = await runBootSequence(fixture.deps, [
      stage('base', 'http', ok.url),
      stage('broken', 'tcp', `127.0.0.1:${await closedPort()}`, { waitMs: 100 }),
      stage('last', 'http', ok.url),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['healthy', 'unhealthy', 'healthy']);
    const warning = fixture.bed.logs.lines().find((line) => line['stage'] === 'broken' && line['level'] === 40);
    expect(warning).toMatchObject({ msg: 'boot stage not healthy; the boot sequence goes on without it', reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('skips a first stage whose services are not deployed or were stopped, rather than waiting forever', async () => {
    const spec = fixture.httpService();
    await withServiceLock(fixture.deps.registry, spec.name, async () => {
      await deployService(fixture.deps, { spec, pull: 'never' });
      await stopService(fixture.deps, spec.name);
    });
    const outcomes = await runBootSequence(fixture.deps, [
      stage('gate', 'tcp', `127.0.0.1:${await closedPort()}`, { services: ['never-deployed', spec.name] }),
    ]);
    expect(outcomes).toEqual([
      {
        name: 'gate',
        status: 'skipped',
        attempts: 0,
        skipped: [
          { service: 'never-deployed', reason: 'not deployed on this node' },
          { service: spec.name, reason: 'stopped by the operator (desired state stopped)' },
        ],
      },
    ]);
    expect((await fixture.containers(spec.name)).map((container) => container.state)).toEqual(['exited']);
  });
});
