// Self-registration (SPEC §4, §6) with real processes: agents register and show in ListNodes; an agent presenting
// another node's identity, or one whose node is not on the allow-list, is refused and never listed.
import { uniqueName } from '@mcp/testing';
import { arch } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import type { LogLine } from './support/daemon-process.js';
import { startFleet, type Fleet } from './support/fleet-process.js';
import { podmanUnavailable } from './support/podman.js';

const skip = await podmanUnavailable();

// The agent reports the CPU architecture in Go notation.
const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
const impostor = uniqueName('impostor');
const stranger = uniqueName('stranger');
let fleet: Fleet;

function only(role: 'master' | 'worker' | 'edge'): AgentProcess {
  const [agent] = fleet.byRole(role);
  if (agent === undefined) throw new Error(`no ${role} agent in the fleet`);
  return agent;
}

/** Waits until the agent logged that the master refused its registration; returns that line. */
function refusalOf(agent: AgentProcess): Promise<LogLine> {
  return fleet.waitFor(`the master refusing the registration of ${agent.node}`, async () =>
    (await agent.logLines()).find(
      (line) => line['msg'] === 'registration with the master failed; retrying' && String(line['err']).startsWith('permission_denied'),
    ),
  );
}

/** The master's log line for a refused Register of `node`. */
function masterRefusalOf(node: string): Promise<LogLine> {
  return fleet.waitFor(`the master logging the refused registration of ${node}`, async () =>
    (await fleet.master.logLines()).find((line) => line['msg'] === 'registration refused' && line['node'] === node),
  );
}

describe.skipIf(skip !== undefined)(`agents registering with a real master${skip === undefined ? '' : ` (${skip})`}`, () => {
  beforeAll(async () => {
    fleet = await startFleet({
      name: 'mcp-e2e-fleet-registration',
      agents: [{ role: 'master' }, { role: 'worker' }, { role: 'edge' }],
      // The impostor's node is allowed, so only the identity can refuse it; the stranger's is not.
      spareNodes: [impostor, stranger],
      allowNodes: [impostor],
    });
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('lists the master, worker and edge agents with their role, arch, status and address', async () => {
    const nodes = await fleet.waitForHealthy();
    const expected = (['master', 'worker', 'edge'] as const).map((role) => ({
      name: only(role).node,
      role,
      arch: goArch[arch()] ?? arch(),
      status: 'healthy',
      address: only(role).address,
      error: '',
    }));
    const listed = nodes.map(({ name, role, arch: nodeArch, status, address, error }) => ({ name, role, arch: nodeArch, status, address, error }));
    expect(listed).toEqual(expect.arrayContaining(expected));
    expect(listed).toHaveLength(3);
    expect(nodes.every((node) => node.lastHeartbeat !== '')).toBe(true);
  });

  it("refuses an agent that presents another node's identity, and does not list it", async () => {
    const worker = only('worker');
    // Its config names node <impostor>, but the token it holds is the worker's (agent-<worker>).
    const agent = await fleet.startAgent({ node: impostor, role: 'worker', presenting: worker.node });
    // Its certificate names agent-<impostor>: the stolen token does not even authenticate (mutual TLS).
    const refusal = await fleet.waitFor(`the master refusing the registration of ${impostor}`, async () =>
      (await agent.logLines()).find(
        (line) => line['msg'] === 'registration with the master failed; retrying' && String(line['err']).startsWith('unauthenticated'),
      ),
    );
    expect(String(refusal['err'])).toContain(`agent-${worker.node} must call with its own client certificate`);
    const audited = await fleet.waitFor('the audit record of the refusal', async () =>
      (await fleet.master.auditLines()).find((line) => line['rpc'] === '/mcp.v1.McpMasterService/Register' && line['decision'] === 'refused' && line['caller'] === `agent-${worker.node}`),
    );
    expect(audited).toMatchObject({ outcome: 'unauthenticated', peer: '127.0.0.1', reason: expect.stringContaining(`certificate of agent-${impostor}`) });

    const nodes = (await fleet.masterClient().listNodes({})).nodes;
    expect(nodes.map((node) => node.name)).not.toContain(impostor);
    // The worker whose token was used keeps its own record.
    expect(nodes.find((node) => node.name === worker.node)).toMatchObject({ address: worker.address, role: 'worker' });
  });

  it('refuses an agent whose node is not on the allow-list, and does not list it', async () => {
    const agent = await fleet.startAgent({ node: stranger, role: 'worker' });
    const refusal = await refusalOf(agent);
    expect(String(refusal['err'])).toContain(`node ${stranger} is not on the master's allow-list`);
    expect(await masterRefusalOf(stranger)).toMatchObject({ caller: `agent-${stranger}` });
    expect((await fleet.masterClient().listNodes({})).nodes.map((node) => node.name)).not.toContain(stranger);
  });
});
