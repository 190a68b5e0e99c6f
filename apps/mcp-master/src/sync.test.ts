// Master Sync against scripted agents (real gRPC over TLS on loopback; see testing/scripted-agents.ts).
import { create } from '@bufbuild/protobuf';
import { DeployResponseSchema, ResultStatus, SyncAction, type SyncPlanItem } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { FleetError } from './fleet-errors.js';
import { syncFleet } from './sync.js';
import { startFleetTestBed, specOf, type FleetTestBed } from './testing/scripted-agents.js';

let bed: FleetTestBed;
beforeEach(async () => {
  bed = await startFleetTestBed();
});
afterEach(async () => {
  await bed.close();
});

function summary(plan: readonly SyncPlanItem[]): [string, string, string, string][] {
  return plan.map((item) => [item.serviceName, SyncAction[item.action], item.node, ResultStatus[item.status]]);
}

/** orion runs alpha (v1) and old; beta is new, alpha changes to v2. */
async function seed() {
  const orion = await bed.startAgent({ name: 'orion' });
  await deployService(bed.deps, { spec: specOf('alpha', { node: 'orion' }), component: '', noPull: false });
  await deployService(bed.deps, { spec: specOf('old', { node: 'orion' }), component: '', noPull: false });
  await deployService(bed.deps, { spec: specOf('same', { node: 'orion' }), component: '', noPull: false });
  orion.calls.length = 0;
  const wanted = [
    specOf('alpha', { node: 'orion', image: 'registry.example.net/alpha:v2' }),
    specOf('beta', { node: 'orion' }),
    specOf('same', { node: 'orion' }),
  ];
  return { orion, wanted };
}

describe('master sync', () => {
  it('returns the plan on a dry run and changes nothing', async () => {
    const { orion, wanted } = await seed();
    const before = bed.deps.store.listPlacements();
    const answer = await syncFleet(bed.deps, { specs: wanted, dryRun: true, noPull: false });
    expect(answer.dryRun).toBe(true);
    expect(summary(answer.plan)).toEqual([
      ['alpha', 'REDEPLOY', 'orion', 'UNSPECIFIED'],
      ['beta', 'DEPLOY', 'orion', 'UNSPECIFIED'],
      ['old', 'UNDEPLOY', 'orion', 'UNSPECIFIED'],
      ['same', 'UNCHANGED', 'orion', 'UNSPECIFIED'],
    ]);
    expect(answer.plan[0]?.reason).toBe('image changed: registry.example.net/alpha:v1 -> registry.example.net/alpha:v2 (component api)');
    expect(answer.results).toEqual([]);
    expect(orion.calls).toEqual([]);
    expect(bed.deps.store.listPlacements()).toEqual(before);
  });

  it('deploys the new, redeploys the changed, undeploys the absent and reports each service', async () => {
    const { orion, wanted } = await seed();
    const answer = await syncFleet(bed.deps, { specs: wanted, dryRun: false, noPull: false });
    expect(answer.success).toBe(true);
    expect(summary(answer.plan)).toEqual([
      ['alpha', 'REDEPLOY', 'orion', 'OK'],
      ['beta', 'DEPLOY', 'orion', 'OK'],
      ['old', 'UNDEPLOY', 'orion', 'OK'],
      ['same', 'UNCHANGED', 'orion', 'SKIPPED'],
    ]);
    expect(answer.results.map((result) => [result.step, result.detail, ResultStatus[result.status]])).toEqual([
      ['alpha', 'redeploy', 'OK'],
      ['beta', 'deploy', 'OK'],
      ['old', 'undeploy', 'OK'],
    ]);
    expect(answer.plan[1]?.steps.map((step) => step.step)).toEqual(['place', 'deploy', 'dns', 'record']);
    expect(orion.calls).toEqual(['Deploy alpha', 'Deploy beta', 'UndeployService old']);
    expect(bed.deps.store.listPlacements().map((placement) => placement.service)).toEqual(['alpha', 'beta', 'same']);
    expect(bed.deps.store.findPlacement('alpha')?.spec.components[0]?.image).toBe('registry.example.net/alpha:v2');
  });

  it('deploys with the images on the node when asked not to pull, and pulls otherwise', async () => {
    const seen: [string, boolean][] = [];
    await bed.startAgent(
      { name: 'orion' },
      {
        deploy: (request) => {
          seen.push([request.service?.name ?? '', request.noPull]);
          return create(DeployResponseSchema, { success: true, results: [] });
        },
      },
    );
    await syncFleet(bed.deps, { specs: [specOf('alpha', { node: 'orion' })], dryRun: false, noPull: true });
    await syncFleet(bed.deps, { specs: [specOf('alpha', { node: 'orion', image: 'registry.example.net/alpha:v2' })], dryRun: false, noPull: false });
    expect(seen).toEqual([
      ['alpha', true],
      ['alpha', false],
    ]);
  });

  it('converges: a second sync of the same definitions changes nothing', async () => {
    const { orion, wanted } = await seed();
    await syncFleet(bed.deps, { specs: wanted, dryRun: false, noPull: false });
    orion.calls.length = 0;
    const again = await syncFleet(bed.deps, { specs: wanted, dryRun: false, noPull: false });
    expect(again.plan.every((item) => item.action === SyncAction.UNCHANGED)).toBe(true);
    expect(again.results).toEqual([]);
    expect(orion.calls).toEqual([]);
  });

  it('carries on past a service that cannot be placed and reports it failed', async () => {
    const { wanted } = await seed();
    const answer = await syncFleet(bed.deps, { specs: [specOf('core-svc', { tier: 'core' }), ...wanted], dryRun: false, noPull: false });
    expect(answer.success).toBe(false);
    const failed = answer.plan.find((item) => item.serviceName === 'core-svc');
    expect(failed?.status).toBe(ResultStatus.FAILED);
    expect(failed?.error).toMatch(/^cannot place: service core-svc is core tier, but no master node is registered/);
    expect(answer.plan.filter((item) => item.status === ResultStatus.OK).map((item) => item.serviceName)).toEqual(['alpha', 'beta', 'old']);
  });

  it('refuses a service sent twice, naming both places', async () => {
    await expect(syncFleet(bed.deps, { specs: [specOf('alpha'), specOf('alpha')], dryRun: true, noPull: false })).rejects.toThrow(
      'services[1].name: service alpha is also at services[0]; expected each service once',
    );
  });

  it('refuses an invalid definition, naming its place in the request', async () => {
    const error = await syncFleet(bed.deps, { specs: [specOf('alpha'), specOf('beta', { image: 'beta' })], dryRun: true, noPull: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetError);
    expect((error as FleetError).message).toMatch(/^services\[1\]\.components\[0\]\.image: /);
  });

  it('refuses to sync no definitions at all while services are placed', async () => {
    await seed();
    await expect(syncFleet(bed.deps, { specs: [], dryRun: false, noPull: false })).rejects.toThrow(
      /^services: is empty; a sync without definitions would undeploy all 3 placed service\(s\)/,
    );
    expect(bed.deps.store.listPlacements()).toHaveLength(3);
  });
});
