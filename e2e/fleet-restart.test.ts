// The master killed with kill -9 and restarted (SPEC §6): placements survive in master.db; reconciliation at
// start-up and Status report a service started behind its back (orphan) and a placed service whose container is
// gone (stale); the master changes nothing on its own.
import { DiscrepancyKind, type Discrepancy, type StatusResponse } from '@mcp/proto';
import { ensureBusyboxImage, uniqueName } from '@mcp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import { busyboxService, containerNameOf } from './support/busybox-service.js';
import type { LogLine } from './support/daemon-process.js';
import { startFleet, type Fleet } from './support/fleet-process.js';
import { containersOf, podman, podmanUnavailable } from './support/podman.js';

const skip = await podmanUnavailable();

let fleet: Fleet;
let worker: AgentProcess;
/** Placed through the master and left alone. */
const kept = uniqueName('kept');
/** Placed through the master; its container is removed behind the fleet's back. */
const gone = uniqueName('gone');
/** Deployed on the agent directly (mcp --direct), never through the master. */
const orphan = uniqueName('orphan');
let before: StatusResponse;

function discrepancy(status: StatusResponse, kind: DiscrepancyKind, service: string): Discrepancy | undefined {
  return status.discrepancies.find((found) => found.kind === kind && found.serviceName === service);
}

/** The current run's reconciliation warning of this kind about this service. */
function reconciliationLine(kind: string, service: string): () => Promise<LogLine | undefined> {
  return async () =>
    (await fleet.master.logLines()).find(
      (line) => line['pid'] === fleet.master.pid() && line['task'] === 'reconcile' && line['kind'] === kind && line['service'] === service,
    );
}

describe.skipIf(skip !== undefined)(`the master after kill -9 and a restart${skip === undefined ? '' : ` (${skip})`}`, () => {
  beforeAll(async () => {
    let image: string;
    [fleet, image] = await Promise.all([
      startFleet({ name: 'mcp-e2e-fleet-restart', agents: [{ role: 'master' }, { role: 'worker' }] }),
      ensureBusyboxImage(),
    ]);
    [worker] = fleet.byRole('worker') as [AgentProcess];
    for (const name of [kept, gone]) {
      const answer = await fleet.masterClient().deploy({ service: busyboxService({ name, image }), noPull: true });
      expect(answer, answer.error).toMatchObject({ success: true, node: worker.node });
    }
    const direct = await fleet.agentClient(worker).deploy({ service: busyboxService({ name: orphan, image }), noPull: true });
    expect(direct.success, JSON.stringify(direct.results)).toBe(true);
    before = await fleet.masterClient().status({});

    await podman('rm', '-f', '-t', '0', containerNameOf(gone));
    // The agent's monitor notices (podman's event, else its next sweep) and the master reports what its agents know.
    await fleet.waitFor(`the agent of ${worker.node} noticing that ${containerNameOf(gone)} is gone`, async () => {
      const status = await fleet.agentClient(worker).getServiceStatus({ service: gone, eventLimit: 1 });
      const observed = status.services[0]?.components[0]?.observedState;
      return observed !== undefined && observed !== 'running' && observed !== 'unknown' ? observed : undefined;
    });

    await fleet.master.kill('SIGKILL');
    await fleet.master.restart();
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('keeps every placement it had recorded', async () => {
    const after = await fleet.masterClient().status({});
    const placements = (status: StatusResponse) =>
      status.services.map(({ name, node, tier, deployedAt }) => ({ name, node, tier, deployedAt })).sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(placements(before).map((placement) => placement.name).sort()).toEqual([gone, kept].sort());
    expect(placements(after)).toEqual(placements(before));
    expect(after.services.find((service) => service.name === kept)).toMatchObject({ status: 'running', node: worker.node });
  });

  it('reports the orphan and the stale placement in its start-up reconciliation, and acts on neither', async () => {
    const orphanLine = await fleet.waitFor('reconciliation reporting the orphan', reconciliationLine('orphan', orphan));
    expect(orphanLine).toMatchObject({ node: worker.node, level: 40 });
    const staleLine = await fleet.waitFor('reconciliation reporting the stale placement', reconciliationLine('stale-placement', gone));
    expect(staleLine).toMatchObject({ node: worker.node, level: 40 });
    expect(await containersOf({ service: gone })).toEqual([]);
    expect((await containersOf({ service: orphan })).map((container) => container.state)).toEqual(['running']);
  });

  it('shows the directly deployed service as an orphan in Status, not as a placed service', async () => {
    const status = await fleet.masterClient().status({});
    expect(discrepancy(status, DiscrepancyKind.ORPHAN, orphan)).toMatchObject({ node: worker.node });
    expect(status.services.map((service) => service.name)).not.toContain(orphan);
  });

  it('shows the placed service whose container was removed out of band as stale in Status', async () => {
    const status = await fleet.masterClient().status({ serviceName: gone });
    expect(discrepancy(status, DiscrepancyKind.STALE_PLACEMENT, gone)?.message).toContain('none of its components runs (web: missing)');
    expect(status.services[0]).toMatchObject({ name: gone, node: worker.node, drift: true });
  });
});
