// Two deploys of one service at once through a real master (SPEC §6 per-service lock): they run one after the
// other, the last one's definition is what runs, and neither a container nor a host port is left over.
import { SyncAction, type MasterDeployResponse } from '@mcp/proto';
import { ensureBusyboxImage, uniqueName } from '@mcp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import { busyboxService, containerNameOf } from './support/busybox-service.js';
import { startFleet, type Fleet } from './support/fleet-process.js';
import { containerEnv, containersOf, podmanUnavailable } from './support/podman.js';

const skip = await podmanUnavailable();

let fleet: Fleet;
let image: string;
let worker: AgentProcess;

interface Span {
  readonly startMs: number;
  readonly endMs: number;
}

/** When the agent ran each Deploy the master sent it, from its audit log (start time and duration). */
async function agentDeploySpans(): Promise<Span[]> {
  return (await worker.auditLines())
    .filter((line) => line['msg'] === 'rpc audit' && line['rpc'] === '/mcp.v1.McpAgentService/Deploy' && line['caller'] === 'mcp-master')
    .map((line) => {
      const startMs = Date.parse(String(line['startedAt']));
      return { startMs, endMs: startMs + Number(line['durationMs']) };
    })
    .sort((a, b) => a.startMs - b.startMs);
}

async function httpBody(port: number): Promise<string> {
  return fleet.waitFor(`HTTP on host port ${port}`, () => fetch(`http://127.0.0.1:${port}/`).then((response) => response.text(), () => undefined));
}

describe.skipIf(skip !== undefined)(`two concurrent deploys of one service${skip === undefined ? '' : ` (${skip})`}`, () => {
  beforeAll(async () => {
    [fleet, image] = await Promise.all([
      startFleet({ name: 'mcp-e2e-fleet-concurrency', agents: [{ role: 'master' }, { role: 'worker' }] }),
      ensureBusyboxImage(),
    ]);
    [worker] = fleet.byRole('worker') as [AgentProcess];
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('run one after the other, leave the last definition running, and leak no container or port', async () => {
    const name = uniqueName('contended');
    const finished: string[] = [];
    const deploy = (version: string): Promise<MasterDeployResponse> =>
      fleet
        .masterClient()
        .deploy({ service: busyboxService({ name, image, env: [`VERSION=${version}`] }), noPull: true })
        .then((answer) => {
          finished.push(version);
          return answer;
        });
    const answers = await Promise.all([deploy('one'), deploy('two')]);
    for (const answer of answers) expect(answer, answer.error).toMatchObject({ success: true, node: worker.node });

    // Serialised: the agent began the second deploy only after it had finished the first.
    const spans = await agentDeploySpans();
    expect(spans).toHaveLength(2);
    const [first, second] = spans as [Span, Span];
    expect(second.startMs).toBeGreaterThanOrEqual(first.endMs);

    // The deploy that finished last is the one that holds: in the container, the agent's registry and the master's.
    const last = finished[1];
    const containers = await containersOf({ service: name });
    expect(containers.map(({ name: container, state }) => ({ container, state }))).toEqual([{ container: containerNameOf(name), state: 'running' }]);
    expect(await containerEnv(containerNameOf(name))).toContain(`VERSION=${last}`);
    const registered = (await fleet.agentClient(worker).listServices({})).services.find((service) => service.name === name);
    expect(registered?.spec?.components[0]?.env).toEqual([`VERSION=${last}`]);

    // One host port held for the one route, the same one both deploys were handed, and it is the one answering.
    const ports = registered?.components.flatMap((component) => component.routes.map((route) => route.hostPort)) ?? [];
    expect(ports).toHaveLength(1);
    expect(ports[0]).toBeGreaterThan(0);
    expect(answers.map((answer) => answer.components[0]?.routes[0]?.hostPort)).toEqual([ports[0], ports[0]]);
    expect(await httpBody(ports[0] ?? 0)).toContain('hello from mcp busybox');
    const placed = (await fleet.masterClient().status({ serviceName: name })).services;
    expect(placed.map((service) => ({ name: service.name, node: service.node, status: service.status }))).toEqual([
      { name, node: worker.node, status: 'running' },
    ]);
    // The master recorded that same definition: a sync plan with it changes nothing.
    const plan = await fleet.masterClient().sync({ services: [busyboxService({ name, image, env: [`VERSION=${last}`] })], dryRun: true });
    expect(plan.plan.map((item) => ({ service: item.serviceName, action: item.action }))).toEqual([{ service: name, action: SyncAction.UNCHANGED }]);
  });
});
