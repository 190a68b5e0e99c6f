// Master Deploy against scripted agents (real gRPC over TLS on loopback; see testing/scripted-agents.ts).
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ComponentResultSchema, DeployResponseSchema, ResultStatus } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET_OPTIONS, deployService } from './deploy.js';
import { startFleetTestBed, specOf, type FleetTestBed } from './testing/scripted-agents.js';
import { failureOf, statuses } from './testing/fleet-assertions.js';

let bed: FleetTestBed;
beforeEach(async () => {
  bed = await startFleetTestBed();
});
afterEach(async () => {
  await bed.close();
});

describe('master deploy: placement by tier', () => {
  it('deploys a worker-tier service on the healthy worker with the fewest containers and records it', async () => {
    const busy = await bed.startAgent({ name: 'orion', containers: 4 });
    const idle = await bed.startAgent({ name: 'vega', containers: 1 });
    const answer = await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    expect(answer.node).toBe('vega');
    expect(answer.success).toBe(true);
    expect(idle.calls).toEqual(['Deploy mcq']);
    expect(busy.calls).toEqual([]);
    const placement = bed.deps.store.findPlacement('mcq');
    expect(placement).toMatchObject({ node: 'vega', tier: 'worker' });
    expect(placement?.spec.components[0]?.image).toBe('registry.example.net/mcq:v1');
  });

  it('deploys a core-tier service on the master node', async () => {
    await bed.startAgent({ name: 'orion', containers: 0 });
    const master = await bed.startAgent({ name: 'rift', role: 'master', containers: 9 });
    const answer = await deployService(bed.deps, { spec: specOf('metacrypt', { tier: 'core' }), component: '', noPull: false });
    expect(answer.node).toBe('rift');
    expect(master.calls).toEqual(['Deploy metacrypt']);
  });

  it('deploys a pinned service on its node whatever the load', async () => {
    await bed.startAgent({ name: 'orion', containers: 0 });
    await bed.startAgent({ name: 'vega', containers: 7 });
    const answer = await deployService(bed.deps, { spec: specOf('mcq', { node: 'vega' }), component: '', noPull: false });
    expect(answer.node).toBe('vega');
    expect(bed.deps.store.findPlacement('mcq')?.tier).toBe('');
  });

  it('puts a service with a unikernel component only on a node that can run VMs', async () => {
    await bed.startAgent({ name: 'orion', containers: 0, vms: 'none' });
    await bed.startAgent({ name: 'vega', containers: 3, vms: 'kvm' });
    const answer = await deployService(bed.deps, { spec: specOf('vm', { unikernel: true }), component: '', noPull: false });
    expect(answer.node).toBe('vega');
  });

  it('refuses with the reason per node when no node can take the service, and changes nothing', async () => {
    const sick = await bed.startAgent({ name: 'orion', status: 'unhealthy' });
    await bed.startAgent({ name: 'edge-1', role: 'edge' });
    const error = await failureOf(deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false }));
    expect(error.kind).toBe('failed-precondition');
    expect(error.message).toContain('no healthy worker node can take service mcq');
    expect(error.message).toContain('\n  edge-1: ');
    expect(error.message).toContain('\n  orion: node orion is unhealthy');
    expect(sick.calls).toEqual([]);
    expect(bed.deps.store.findPlacement('mcq')).toBeUndefined();
  });

  it('keeps an already placed service on its node (deploy is idempotent)', async () => {
    const first = await bed.startAgent({ name: 'orion', containers: 0 });
    await bed.startAgent({ name: 'vega', containers: 2 });
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    bed.deps.store.recordHeartbeat('orion', { at: new Date(), cpuMillicores: 0, memoryBytes: 0, diskBytes: 0, containers: 5 });
    const again = await deployService(bed.deps, { spec: specOf('mcq', { image: 'registry.example.net/mcq:v2' }), component: '', noPull: false });
    expect(again.node).toBe('orion');
    expect(again.steps[0]?.detail).toMatch(/^node orion: .*already placed/);
    expect(first.calls).toEqual(['Deploy mcq', 'Deploy mcq']);
    expect(bed.deps.store.findPlacement('mcq')?.spec.components[0]?.image).toBe('registry.example.net/mcq:v2');
  });
});

describe('master deploy: steps', () => {
  it('reports place, deploy, dns and record, with DNS skipped and the reason given', async () => {
    await bed.startAgent({ name: 'orion' });
    const answer = await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    expect(statuses(answer.steps)).toEqual([
      ['place', 'OK'],
      ['deploy', 'OK'],
      ['dns', 'SKIPPED'],
      ['record', 'OK'],
    ]);
    expect(answer.dnsResult?.detail).toMatch(/the master has no DNS configured/);
    expect(answer.edgeRouteResult).toMatchObject({ status: ResultStatus.SKIPPED, success: true, detail: 'no public routes' });
    expect(answer.deployResult?.status).toBe(ResultStatus.OK);
    expect(answer.components.map((component) => component.name)).toEqual(['api']);
  });

  it('skips public routes saying why when the master has no allowed public domains', async () => {
    await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-1', role: 'edge' });
    const spec = specOf('mcq', { publicHostnames: ['mcq.example.net'] });
    const answer = await deployService(bed.deps, { spec, component: '', noPull: false });
    const edgeSteps = answer.steps.filter((step) => step.step.startsWith('edge_route'));
    expect(statuses(edgeSteps)).toEqual([['edge_route mcq.example.net', 'SKIPPED']]);
    expect(edgeSteps[0]?.detail).toMatch(/^the master has no \[edge\] allowed_domains configured, so no public route is set up/);
    expect(answer.edgeRouteResult?.status).toBe(ResultStatus.SKIPPED);
    expect(edge.calls).toEqual([]);
    expect(bed.deps.store.listEdgeRoutes()).toEqual([]);
  });

  it('fails the edge step, naming the missing [dns], when allowed domains are configured without a zone', async () => {
    await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-1', role: 'edge' });
    const spec = specOf('mcq', { publicHostnames: ['mcq.example.net'] });
    const answer = await deployService(bed.deps, { spec, component: '', noPull: false }, { ...DEFAULT_FLEET_OPTIONS, allowedPublicDomains: ['example.net'] });
    expect(statuses(answer.steps.filter((step) => step.step.startsWith('edge_route')))).toEqual([['edge_route mcq.example.net', 'FAILED']]);
    expect(answer.success).toBe(false);
    expect(answer.error).toMatch(/^edge_route mcq\.example\.net: the master has no \[dns\] configured/);
    expect(edge.calls).toEqual([]);
    expect(bed.deps.store.findPlacement('mcq')?.node).toBe('orion');
  });

  it('refuses a public hostname outside the allowed domains before changing anything', async () => {
    const agent = await bed.startAgent({ name: 'orion' });
    const spec = specOf('mcq', { publicHostnames: ['mcq.evilexample.net'] });
    const error = await failureOf(deployService(bed.deps, { spec, component: '', noPull: false }, { ...DEFAULT_FLEET_OPTIONS, allowedPublicDomains: ['example.net'] }));
    expect(error.kind).toBe('invalid-argument');
    expect(error.message).toBe(
      'service.components[0].routes[0].hostname: mcq.evilexample.net is public but not under an allowed public domain; ' +
        'expected a name under example.net (whole labels)',
    );
    expect(agent.calls).toEqual([]);
  });

  it('passes the component and no_pull through to the agent', async () => {
    const seen: { component: string; noPull: boolean }[] = [];
    await bed.startAgent({ name: 'orion' }, {
      deploy(request) {
        seen.push({ component: request.component, noPull: request.noPull });
        return create(DeployResponseSchema, { success: true, results: [create(ComponentResultSchema, { name: 'cron', success: true, status: ResultStatus.OK })] });
      },
    });
    await deployService(bed.deps, { spec: specOf('mcq', { components: ['api', 'cron'] }), component: 'cron', noPull: true });
    expect(seen).toEqual([{ component: 'cron', noPull: true }]);
  });

  it('refuses a component the service does not have, naming the field', async () => {
    await bed.startAgent({ name: 'orion' });
    const error = await failureOf(deployService(bed.deps, { spec: specOf('mcq'), component: 'web', noPull: false }));
    expect(error.message).toBe('component: "web" is not a component of service mcq; expected one of "api", or "" for every component');
  });

  it('refuses an invalid definition, naming the request field', async () => {
    const spec = specOf('mcq', { image: 'registry.example.net/mcq' });
    const error = await failureOf(deployService(bed.deps, { spec, component: '', noPull: false }));
    expect(error.kind).toBe('invalid-argument');
    expect(error.message).toMatch(/^service\.components\[0\]\.image: /);
  });
});

describe('master deploy: agent failures', () => {
  it('reports a component that failed on the agent and still records where the service now lives', async () => {
    await bed.startAgent({ name: 'orion' }, {
      deploy: () =>
        create(DeployResponseSchema, {
          success: false,
          recorded: true,
          results: [create(ComponentResultSchema, { name: 'api', success: false, status: ResultStatus.FAILED, error: 'container: exit 125' })],
        }),
    });
    const answer = await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    expect(answer.success).toBe(false);
    expect(answer.error).toMatch(/^deploy: on node orion \(127\.0\.0\.1:\d+\): api: container: exit 125$/);
    expect(answer.deployResult?.status).toBe(ResultStatus.FAILED);
    expect(bed.deps.store.findPlacement('mcq')?.node).toBe('orion');
  });

  it('records no placement when a first deploy changed nothing on the agent (an image it could not pull)', async () => {
    await bed.startAgent({ name: 'orion' }, {
      deploy: () =>
        create(DeployResponseSchema, {
          success: false,
          recorded: false,
          results: [create(ComponentResultSchema, { name: 'api', success: false, status: ResultStatus.FAILED, error: 'cannot pull image' })],
        }),
    });
    const answer = await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    expect(statuses(answer.steps)).toEqual([
      ['place', 'OK'],
      ['deploy', 'FAILED'],
      ['dns', 'SKIPPED'],
      ['edge_route', 'SKIPPED'],
      ['record', 'SKIPPED'],
    ]);
    expect(answer.steps.at(-1)?.detail).toMatch(/^nothing recorded: node orion \(127\.0\.0\.1:\d+\) changed nothing$/);
    expect(bed.deps.store.findPlacement('mcq')).toBeUndefined();
  });

  it('records nothing when the agent refuses the request', async () => {
    await bed.startAgent({ name: 'orion' }, {
      deploy: () => {
        throw new ConnectError('service.components[0].runtime: unikernel needs a VM backend', Code.FailedPrecondition);
      },
    });
    const answer = await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    expect(statuses(answer.steps)).toEqual([
      ['place', 'OK'],
      ['deploy', 'FAILED'],
      ['dns', 'SKIPPED'],
      ['edge_route', 'SKIPPED'],
      ['record', 'SKIPPED'],
    ]);
    expect(answer.error).toMatch(/refused the deploy: \[failed_precondition\] service\.components\[0\]\.runtime/);
    expect(bed.deps.store.findPlacement('mcq')).toBeUndefined();
  });

  it('answers Unavailable naming the node and its address when the agent is unreachable, recording nothing', async () => {
    const dead = await bed.addDeadNode({ name: 'orion' });
    const error = await failureOf(deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false }));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain(`cannot deploy service mcq: node orion (${dead.address}) is unreachable`);
    expect(bed.deps.store.findPlacement('mcq')).toBeUndefined();
  });

  it('gives up on an agent whose deploy does not finish in time, saying it may still be working', async () => {
    await bed.startAgent({ name: 'orion' }, {
      deploy: (_request, context) =>
        new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    const options = { ...DEFAULT_FLEET_OPTIONS, agentOperationTimeoutMs: 200 };
    const error = await failureOf(deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false }, options));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/^cannot deploy service mcq: node orion \(.*\) did not finish within 200 ms \(it may still be working/);
  });
});
