// Tier placement (SPEC §6) through a real master onto real agents and podman: worker tier on a worker, core tier
// on the master node, a pin on its node, never the edge; worker services spread by container count.
import { Code, ConnectError } from '@connectrpc/connect';
import { ensureBusyboxImage, uniqueName } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import { busyboxService, type BusyboxServiceOptions } from './support/busybox-service.js';
import { startFleet, type Fleet } from './support/fleet-process.js';
import { containersOf, podmanUnavailable } from './support/podman.js';

const skip = await podmanUnavailable();

let fleet: Fleet;
let image: string;
let master: AgentProcess;
let workers: AgentProcess[];
let edge: AgentProcess;
/** Services a test deployed, undeployed after it so that each test starts from empty nodes. */
const deployed: string[] = [];

/** Deploys through the master as the operator; returns the node it landed on. */
async function deploy(options: Omit<BusyboxServiceOptions, 'image'>): Promise<string> {
  const answer = await fleet.masterClient().deploy({ service: busyboxService({ ...options, image }), noPull: true });
  deployed.push(options.name);
  expect(answer.success, `deploy ${options.name}: ${answer.error}\n${await fleet.diagnostics()}`).toBe(true);
  return answer.node;
}

/** The node whose agent runs the service's container, by the label the agent put on it. */
async function runningOn(service: string): Promise<string | undefined> {
  const [container] = await containersOf({ service });
  return container?.state === 'running' ? container.labels['mcp.node'] : undefined;
}

describe.skipIf(skip !== undefined)(`placement through the master${skip === undefined ? '' : ` (${skip})`}`, () => {
  beforeAll(async () => {
    [fleet, image] = await Promise.all([
      startFleet({ name: 'mcp-e2e-fleet-placement', agents: [{ role: 'master' }, { role: 'worker' }, { role: 'worker' }, { role: 'edge' }] }),
      ensureBusyboxImage(),
    ]);
    [master] = fleet.byRole('master') as [AgentProcess];
    workers = fleet.byRole('worker');
    [edge] = fleet.byRole('edge') as [AgentProcess];
  });

  afterEach(async () => {
    for (const service of deployed.splice(0)) {
      const answer = await fleet.masterClient().undeploy({ serviceName: service });
      expect(answer.success, `undeploy ${service}: ${answer.error}`).toBe(true);
    }
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('places a worker-tier service on a worker', async () => {
    const service = uniqueName('tier-worker');
    const node = await deploy({ name: service, tier: 'worker' });
    expect(workers.map((worker) => worker.node)).toContain(node);
    expect(await runningOn(service)).toBe(node);
  });

  it('places a core-tier service on the master node', async () => {
    const service = uniqueName('tier-core');
    expect(await deploy({ name: service, tier: 'core' })).toBe(master.node);
    expect(await runningOn(service)).toBe(master.node);
  });

  it('places a pinned service on its node', async () => {
    const pinned = workers[1] ?? master;
    const service = uniqueName('pinned');
    expect(await deploy({ name: service, node: pinned.node })).toBe(pinned.node);
    expect(await runningOn(service)).toBe(pinned.node);
  });

  it('never places a service on the edge node, even pinned there', async () => {
    const service = uniqueName('on-edge');
    const failure = await fleet
      .masterClient()
      .deploy({ service: busyboxService({ name: service, image, node: edge.node }), noPull: true })
      .then(() => undefined, (error: unknown) => ConnectError.from(error));
    expect(failure?.code).toBe(Code.FailedPrecondition);
    expect(failure?.rawMessage).toContain(`pinned to node ${edge.node}`);
    expect(await containersOf({ service })).toEqual([]);
    expect((await fleet.masterClient().status({})).services.map((status) => status.name)).not.toContain(service);
  });

  it('spreads worker services over the workers by container count, ties to the first name', async () => {
    const names = workers.map((worker) => worker.node);
    const landed: string[] = [];
    for (let index = 0; index < 3; index++) {
      const listed = await fleet.heartbeatsCaughtUp(names);
      const counts = names.map((name) => listed.find((node) => node.name === name)?.containers ?? -1);
      const node = await deploy({ name: uniqueName(`spread-${index}`), tier: 'worker' });
      landed.push(`${node} (counts before: ${counts.join('/')})`);
    }
    const [first, second] = names as [string, string];
    expect(landed).toEqual([
      `${first} (counts before: 0/0)`,
      `${second} (counts before: 1/0)`,
      `${first} (counts before: 1/1)`,
    ]);
    expect(await containersOf({ node: first })).toHaveLength(2);
    expect(await containersOf({ node: second })).toHaveLength(1);
  });
});
