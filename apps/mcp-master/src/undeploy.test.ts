// Master Undeploy against scripted agents (real gRPC over TLS on loopback; see testing/scripted-agents.ts).
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ComponentResultSchema, ResultStatus, UndeployServiceResponseSchema } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { startFleetTestBed, specOf, type FleetTestBed } from './testing/scripted-agents.js';
import { undeployService } from './undeploy.js';
import { failureOf, statuses } from './testing/fleet-assertions.js';

let bed: FleetTestBed;
beforeEach(async () => {
  bed = await startFleetTestBed();
});
afterEach(async () => {
  await bed.close();
});

describe('master undeploy', () => {
  it('tears the service down on its agent first, then deletes the placement', async () => {
    const agent = await bed.startAgent({ name: 'orion' });
    await deployService(bed.deps, { spec: specOf('mcq', { publicHostnames: ['mcq.example.net'] }), component: '', noPull: false });
    const answer = await undeployService(bed.deps, 'mcq');
    expect(answer.success).toBe(true);
    expect(answer.node).toBe('orion');
    expect(statuses(answer.steps)).toEqual([
      ['undeploy', 'OK'],
      ['edge_route', 'SKIPPED'],
      ['dns', 'SKIPPED'],
      ['record', 'OK'],
    ]);
    expect(agent.calls).toEqual(['Deploy mcq', 'UndeployService mcq']);
    expect(bed.deps.store.findPlacement('mcq')).toBeUndefined();
  });

  it('answers NotFound for a service that is not placed', async () => {
    const error = await failureOf(undeployService(bed.deps, 'ghost'));
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe('service ghost is not placed: the master has no placement for it (mcp status lists placed services)');
  });

  it('refuses a malformed service name, naming the field', async () => {
    const error = await failureOf(undeployService(bed.deps, 'Bad_Name'));
    expect(error.kind).toBe('invalid-argument');
    expect(error.message).toMatch(/^service_name: "Bad_Name" is not a valid service name/);
  });

  it('answers Unavailable naming node and address and keeps the placement when the agent is unreachable', async () => {
    const agent = await bed.startAgent({ name: 'orion' });
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    await agent.stop();
    const error = await failureOf(undeployService(bed.deps, 'mcq'));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain(`cannot undeploy service mcq: node orion (${agent.node.address}) is unreachable`);
    expect(error.message).toContain('the placement is kept, undeploy again when the node answers');
    expect(bed.deps.store.findPlacement('mcq')?.node).toBe('orion');
  });

  it('keeps the placement when the agent could not tear everything down, so that the undeploy can be retried', async () => {
    await bed.startAgent({ name: 'orion' }, {
      undeployService: () =>
        create(UndeployServiceResponseSchema, {
          success: false,
          results: [create(ComponentResultSchema, { name: 'api', success: false, status: ResultStatus.FAILED, error: 'container busy' })],
        }),
    });
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const answer = await undeployService(bed.deps, 'mcq');
    expect(answer.success).toBe(false);
    expect(answer.error).toMatch(/^undeploy: on node orion .*: api: container busy$/);
    expect(statuses(answer.steps).at(-1)).toEqual(['record', 'SKIPPED']);
    expect(bed.deps.store.findPlacement('mcq')).toBeDefined();
  });

  it('deletes the placement when the agent no longer has the service', async () => {
    await bed.startAgent({ name: 'orion' }, {
      undeployService: () => {
        throw new ConnectError('service "mcq" not found', Code.NotFound);
      },
    });
    await deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const answer = await undeployService(bed.deps, 'mcq');
    expect(answer.success).toBe(true);
    expect(answer.steps[0]).toMatchObject({ step: 'undeploy', status: ResultStatus.SKIPPED });
    expect(answer.steps[0]?.detail).toMatch(/has no service mcq: nothing to tear down$/);
    expect(bed.deps.store.findPlacement('mcq')).toBeUndefined();
  });
});
