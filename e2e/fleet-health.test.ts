// Node health (SPEC §6) with real processes: an agent killed with kill -9 goes unhealthy, takes no new placement,
// its containers keep running; restarted, it is healthy again and takes placements.
import { Code, ConnectError } from '@connectrpc/connect';
import { ensureBusyboxImage, uniqueName } from '@mcp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import { busyboxService, containerNameOf } from './support/busybox-service.js';
import type { LogLine } from './support/daemon-process.js';
import { FLEET_HEALTH, startFleet, type Fleet } from './support/fleet-process.js';
import { containersOf, podmanUnavailable } from './support/podman.js';

const skip = await podmanUnavailable();

let fleet: Fleet;
let image: string;
/** The worker killed and restarted; `spare` stays up throughout. */
let victim: AgentProcess;
let spare: AgentProcess;
const running = uniqueName('keeps-running');

/** The master's log line (of its current run) saying `message` about `node`. */
function masterLine(message: string, node: string): () => Promise<LogLine | undefined> {
  return async () =>
    (await fleet.master.logLines()).find((line) => line['msg'] === message && line['node'] === node && line['pid'] === fleet.master.pid());
}

async function deployFailure(name: string, node?: string): Promise<ConnectError | undefined> {
  return fleet
    .masterClient()
    .deploy({ service: busyboxService({ name, image, ...(node === undefined ? {} : { node }) }), noPull: true })
    .then(() => undefined, (error: unknown) => ConnectError.from(error));
}

// The scenario runs in order: each test starts from the state the previous one left.
describe.skipIf(skip !== undefined)(`a worker killed with kill -9${skip === undefined ? '' : ` (${skip})`}`, () => {
  beforeAll(async () => {
    [fleet, image] = await Promise.all([
      startFleet({ name: 'mcp-e2e-fleet-health', agents: [{ role: 'master' }, { role: 'worker' }, { role: 'worker' }] }),
      ensureBusyboxImage(),
    ]);
    [victim, spare] = fleet.byRole('worker') as [AgentProcess, AgentProcess];
    // The victim runs fewer containers than the spare, so only its health can keep placement away from it.
    const pins = [
      { name: running, node: victim.node },
      { name: uniqueName('busy'), node: spare.node },
      { name: uniqueName('busy'), node: spare.node },
    ];
    for (const pin of pins) {
      const answer = await fleet.masterClient().deploy({ service: busyboxService({ ...pin, image }), noPull: true });
      expect(answer.success, answer.error).toBe(true);
    }
    const counts = (await fleet.heartbeatsCaughtUp([victim.node, spare.node])).map((node) => [node.name, node.containers]);
    expect(counts).toEqual(expect.arrayContaining([[victim.node, 1], [spare.node, 2]]));
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('is marked unhealthy once silent past the threshold and its HealthCheck probe fails', async () => {
    await victim.kill('SIGKILL');
    // Generous: the master needs unhealthy_after + check period + probe timeout; a loaded CI machine more.
    const budgetMs = 10 * (FLEET_HEALTH.unhealthyAfterMs + FLEET_HEALTH.checkPeriodMs + FLEET_HEALTH.probeTimeoutMs);
    const marked = await fleet.waitFor(
      `the master marking ${victim.node} unhealthy`,
      masterLine('node unhealthy: no heartbeat and the HealthCheck probe failed', victim.node),
      budgetMs,
    );
    expect(marked).toMatchObject({ from: 'healthy' });
    expect(Number(marked['silentForMs'])).toBeGreaterThanOrEqual(FLEET_HEALTH.unhealthyAfterMs);
    const listed = (await fleet.masterClient().listNodes({})).nodes.find((node) => node.name === victim.node);
    // ListNodes keeps the master's verdict (what keeps placements away) and says why the agent is silent.
    expect(listed?.status).toBe('unhealthy');
    expect(listed?.error).not.toBe('');
  });

  it('gets no new placement: pinned there it is refused, by tier it goes to the busier healthy worker', async () => {
    const pinned = uniqueName('pinned-to-dead');
    const refusal = await deployFailure(pinned, victim.node);
    expect(refusal?.code).toBe(Code.FailedPrecondition);
    expect(refusal?.rawMessage).toContain(`pinned to node ${victim.node}`);
    expect(refusal?.rawMessage).toContain('unhealthy');
    expect(await containersOf({ service: pinned })).toEqual([]);

    const answer = await fleet.masterClient().deploy({ service: busyboxService({ name: uniqueName('elsewhere'), image }), noPull: true });
    expect(answer.success, answer.error).toBe(true);
    expect(answer.node).toBe(spare.node);
  });

  it('keeps its containers running while the master considers it unhealthy', async () => {
    const containers = await containersOf({ node: victim.node });
    expect(containers.map(({ name, state }) => ({ name, state }))).toEqual([{ name: containerNameOf(running), state: 'running' }]);
    const status = (await fleet.masterClient().status({ serviceName: running })).services[0];
    expect(status).toMatchObject({ name: running, node: victim.node, status: 'unreachable' });
  });

  it('is healthy again once restarted, and takes placements again', async () => {
    await victim.restart();
    await fleet.waitFor(`the master hearing from ${victim.node} again`, masterLine('node healthy again', victim.node));
    const listed = (await fleet.masterClient().listNodes({})).nodes.find((node) => node.name === victim.node);
    expect(listed).toMatchObject({ status: 'healthy', error: '' });

    const service = uniqueName('back');
    const answer = await fleet.masterClient().deploy({ service: busyboxService({ name: service, image, node: victim.node }), noPull: true });
    expect(answer.success, answer.error).toBe(true);
    expect((await containersOf({ service }))[0]).toMatchObject({ state: 'running', labels: { 'mcp.node': victim.node } });
    expect((await fleet.masterClient().status({ serviceName: running })).services[0]).toMatchObject({ status: 'running' });
  });
});
