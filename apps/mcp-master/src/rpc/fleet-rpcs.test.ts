// Deploy, Undeploy, Status and Sync as the CLI calls them: through the master's real interceptors (auth, error
// mapping) in memory, with scripted agents over real gRPC behind (see testing/scripted-agents.ts).
import { Code } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { DeployResponseSchema, ResultStatus, SyncAction } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMasterRpcBed, type MasterClient, type MasterRpcBed } from '../testing/master-rpc-bed.js';
import { startFleetTestBed, specOf, type FleetTestBed } from '../testing/scripted-agents.js';
import { createFleetRpcs } from './fleet-rpcs.js';
import { connectFailureOf as failureOf } from '@mcp/testing';


let fleet: FleetTestBed;
let master: MasterRpcBed;
let operator: MasterClient;
beforeEach(async () => {
  fleet = await startFleetTestBed({ agentTimeoutMs: 500 });
  master = await startMasterRpcBed({ deps: fleet.deps, groups: [createFleetRpcs({ allowedPublicDomains: ['example.net'] })], nodes: ['orion'] });
  operator = master.as('operator');
});
afterEach(async () => {
  await master.close();
  await fleet.close();
});

describe('Deploy RPC', () => {
  it('deploys and answers with the node and every step', async () => {
    await fleet.startAgent({ name: 'orion' });
    const answer = await operator.deploy({ service: specOf('mcq') });
    expect(answer.node).toBe('orion');
    expect(answer.steps.map((step) => [step.step, ResultStatus[step.status]])).toEqual([
      ['place', 'OK'],
      ['deploy', 'OK'],
      ['dns', 'SKIPPED'],
      ['record', 'OK'],
    ]);
  });

  it('answers InvalidArgument when the service is missing', async () => {
    const error = await failureOf(operator.deploy({}));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe('service: is missing; expected a service definition');
  });

  it('answers InvalidArgument for a public hostname outside the allowed domains', async () => {
    await fleet.startAgent({ name: 'orion' });
    const error = await failureOf(operator.deploy({ service: specOf('mcq', { publicHostnames: ['mcq.example.org'] }) }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^service\.components\[0\]\.routes\[0\]\.hostname: mcq\.example\.org is public but not under/);
  });

  it('answers InvalidArgument naming the field and the cap for a 40,000-port definition, calling no agent', async () => {
    const agent = await fleet.startAgent({ name: 'orion' });
    const spec = specOf('mcq');
    const component = spec.components[0];
    if (component === undefined) throw new Error('specOf made no component');
    component.ports = Array.from({ length: 40_000 }, (_, i) => `127.0.0.1:${(i % 65535) + 1}:80`);
    const error = await failureOf(operator.deploy({ service: spec }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe('service.components[0].ports: 40000 entries; expected at most 1024 (the cap on mcp.v1.ComponentSpec.ports)');
    expect(agent.calls).toEqual([]);
  });

  it('answers InvalidArgument naming the field and the rule for a definition the fleet policy refuses', async () => {
    const agent = await fleet.startAgent({ name: 'orion' });
    const spec = specOf('mcq');
    const component = spec.components[0];
    if (component === undefined) throw new Error('specOf made no component');
    component.volumes = ['/:/host'];
    const error = await failureOf(operator.deploy({ service: spec }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe('service.components[0].volumes[0]: "/:/host" mounts "/"; expected a host path under /srv/mcq/ (deploy policy rule policy.mount_roots)');
    expect(agent.calls).toEqual([]);
  });

  it('answers FailedPrecondition with the reason per node when nothing can take the service', async () => {
    await fleet.startAgent({ name: 'orion', status: 'unhealthy' });
    const error = await failureOf(operator.deploy({ service: specOf('mcq') }));
    expect(error.code).toBe(Code.FailedPrecondition);
    expect(error.rawMessage).toContain('\n  orion: node orion is unhealthy');
  });

  it('answers Unavailable when the chosen agent cannot be reached', async () => {
    await fleet.addDeadNode({ name: 'orion' });
    const error = await failureOf(operator.deploy({ service: specOf('mcq') }));
    expect(error.code).toBe(Code.Unavailable);
    expect(error.rawMessage).toMatch(/^cannot deploy service mcq: node orion \(127\.0\.0\.1:\d+\) is unreachable/);
  });

  it('refuses an agent identity, which may only register and heartbeat', async () => {
    const error = await failureOf(master.as('agent-orion').deploy({ service: specOf('mcq') }));
    expect(error.code).toBe(Code.PermissionDenied);
  });
});

describe('Undeploy RPC', () => {
  it('answers NotFound for a service that is not placed', async () => {
    const error = await failureOf(operator.undeploy({ serviceName: 'ghost' }));
    expect(error.code).toBe(Code.NotFound);
  });

  it('answers InvalidArgument for an empty service name', async () => {
    const error = await failureOf(operator.undeploy({ serviceName: '' }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^service_name: is empty; expected a service name/);
  });

  it('removes a deployed service', async () => {
    await fleet.startAgent({ name: 'orion' });
    await operator.deploy({ service: specOf('mcq') });
    const answer = await operator.undeploy({ serviceName: 'mcq' });
    expect(answer).toMatchObject({ success: true, node: 'orion' });
  });
});

describe('Status RPC', () => {
  it('answers with every placed service', async () => {
    await fleet.startAgent({ name: 'orion' });
    await operator.deploy({ service: specOf('mcq') });
    const answer = await operator.status({});
    expect(answer.services.map((service) => [service.name, service.status])).toEqual([['mcq', 'running']]);
  });

  it('answers InvalidArgument for a malformed service name', async () => {
    const error = await failureOf(operator.status({ serviceName: 'MCQ' }));
    expect(error.code).toBe(Code.InvalidArgument);
  });
});

describe('Sync RPC', () => {
  it('returns the plan on a dry run', async () => {
    await fleet.startAgent({ name: 'orion' });
    const answer = await operator.sync({ services: [specOf('mcq')], dryRun: true });
    expect(answer.dryRun).toBe(true);
    expect(answer.plan.map((item) => [item.serviceName, SyncAction[item.action], item.node])).toEqual([['mcq', 'DEPLOY', 'orion']]);
    expect(fleet.deps.store.listPlacements()).toEqual([]);
  });

  it('passes no_pull on to the agents\' Deploy', async () => {
    const pulls: boolean[] = [];
    await fleet.startAgent(
      { name: 'orion' },
      {
        deploy: (request) => {
          pulls.push(request.noPull);
          return create(DeployResponseSchema, { success: true, results: [] });
        },
      },
    );
    expect((await operator.sync({ services: [specOf('mcq')], noPull: true })).success).toBe(true);
    expect(pulls).toEqual([true]);
  });

  it('answers InvalidArgument naming the definition at fault', async () => {
    const error = await failureOf(operator.sync({ services: [specOf('mcq', { image: 'mcq' })], dryRun: false }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^services\[0\]\.components\[0\]\.image: /);
  });
});
