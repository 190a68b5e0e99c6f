// Sync (SPEC §6) through a real master onto a real agent: a dry run returns the plan and changes nothing; a real
// run converges (new → deployed, changed → redeployed, absent → undeployed). Images come from a local registry,
// as on a real fleet: sync pulls.
import { ResultStatus, SyncAction, type ServiceSpec, type SyncResponse } from '@mcp/proto';
import { ensureBusyboxImage, probeLocalRegistry, requireRuntime, startLocalRegistry, uniqueName, type LocalRegistry } from '@mcp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import { busyboxService, containerNameOf } from './support/busybox-service.js';
import { startFleet, type Fleet } from './support/fleet-process.js';
import { containerEnv, containersOf, podman, podmanUnavailable } from './support/podman.js';

// The local registry is part of the podman test kit (setup-system installs both), so podman requires it too.
const skip = (await podmanUnavailable()) ?? (await requireRuntime('podman', () => probeLocalRegistry()));

let registry: LocalRegistry;
let fleet: Fleet;
let worker: AgentProcess;
let image: string;
// Plan items come sorted by name: the prefixes keep them in this order.
const unchanged = uniqueName('a-unchanged');
const changed = uniqueName('b-changed');
const removed = uniqueName('c-removed');
const added = uniqueName('d-added');
const initial = (name: string): ServiceSpec => busyboxService({ name, image, env: ['EDITION=first'] });
/** What the operator's services directory holds now. */
const definitions = (): ServiceSpec[] => [initial(unchanged), busyboxService({ name: changed, image, env: ['EDITION=second'] }), initial(added)];
/** Container ids before anything was synced. */
const idsBefore = new Map<string, string>();

async function containerId(service: string): Promise<string | undefined> {
  const [container] = await containersOf({ service });
  return container?.state === 'running' ? container.id : undefined;
}

function planOf(answer: SyncResponse) {
  return answer.plan.map((item) => ({ service: item.serviceName, action: item.action, node: item.node }));
}

async function placedServices(): Promise<string[]> {
  return (await fleet.masterClient().status({})).services.map((service) => service.name);
}

// In order: the dry run must leave exactly the state the real sync then converges from.
describe.skipIf(skip !== undefined)(`sync through the master${skip === undefined ? '' : ` (${skip})`}`, () => {
  beforeAll(async () => {
    const busybox = await ensureBusyboxImage();
    registry = await startLocalRegistry();
    image = `${registry.address}/${uniqueName('sync')}:v1`;
    await podman('tag', busybox, image);
    await podman('push', '--quiet', '--tls-verify=false', image);
    // Only the registry has it now: every deploy below pulls it.
    await podman('rmi', image);
    fleet = await startFleet({ name: 'mcp-e2e-fleet-sync', agents: [{ role: 'master' }, { role: 'worker' }], insecureRegistries: [registry.address] });
    [worker] = fleet.byRole('worker') as [AgentProcess];
    for (const name of [unchanged, changed, removed]) {
      const answer = await fleet.masterClient().deploy({ service: initial(name), noPull: false });
      expect(answer, answer.error).toMatchObject({ success: true, node: worker.node });
      idsBefore.set(name, (await containerId(name)) ?? 'none');
    }
  });

  afterAll(async () => {
    await fleet?.close();
    await registry?.stop();
    if (image) await podman('rmi', '-f', image).catch(() => undefined);
  });

  it('returns the plan on a dry run and changes nothing', async () => {
    const answer = await fleet.masterClient().sync({ services: definitions(), dryRun: true });
    expect(answer).toMatchObject({ dryRun: true, success: true, results: [] });
    expect(planOf(answer)).toEqual([
      { service: unchanged, action: SyncAction.UNCHANGED, node: worker.node },
      { service: changed, action: SyncAction.REDEPLOY, node: worker.node },
      { service: removed, action: SyncAction.UNDEPLOY, node: worker.node },
      { service: added, action: SyncAction.DEPLOY, node: worker.node },
    ]);
    expect(answer.plan.find((item) => item.serviceName === changed)?.reason).toContain('env changed (component web)');
    expect(answer.plan.every((item) => item.status === ResultStatus.UNSPECIFIED && item.steps.length === 0)).toBe(true);

    expect((await placedServices()).sort()).toEqual([unchanged, changed, removed].sort());
    for (const name of [unchanged, changed, removed]) expect(await containerId(name)).toBe(idsBefore.get(name));
    expect(await containerEnv(containerNameOf(changed))).toContain('EDITION=first');
    expect(await containersOf({ service: added })).toEqual([]);
  });

  it('converges: deploys the new, redeploys the changed, undeploys the removed, leaves the rest', async () => {
    const answer = await fleet.masterClient().sync({ services: definitions(), dryRun: false });
    const outcome = answer.plan.map((item) => ({ service: item.serviceName, status: item.status, error: item.error }));
    expect(answer.success, JSON.stringify(outcome)).toBe(true);
    expect(outcome).toEqual([
      { service: unchanged, status: ResultStatus.SKIPPED, error: '' },
      { service: changed, status: ResultStatus.OK, error: '' },
      { service: removed, status: ResultStatus.OK, error: '' },
      { service: added, status: ResultStatus.OK, error: '' },
    ]);

    expect((await placedServices()).sort()).toEqual([unchanged, changed, added].sort());
    expect(await containerId(unchanged)).toBe(idsBefore.get(unchanged));
    const redeployed = await containerId(changed);
    expect(redeployed).toBeDefined();
    expect(redeployed).not.toBe(idsBefore.get(changed));
    expect(await containerEnv(containerNameOf(changed))).toContain('EDITION=second');
    expect(await containersOf({ service: removed })).toEqual([]);
    expect(await containerId(added)).toBeDefined();

    // Converged: the same definitions again plan nothing.
    const again = await fleet.masterClient().sync({ services: definitions(), dryRun: true });
    expect(new Set(again.plan.map((item) => item.action))).toEqual(new Set([SyncAction.UNCHANGED]));
  });
});
