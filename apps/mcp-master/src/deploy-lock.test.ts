// Deploys of one service queue behind each other; deploys of different services do not (scripted agents over gRPC).
import { create } from '@bufbuild/protobuf';
import { ComponentResultSchema, DeployResponseSchema, ResultStatus } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { serviceLocksFor } from './service-lock.js';
import { startFleetTestBed, specOf, type AgentScript, type FleetTestBed } from './testing/scripted-agents.js';

let bed: FleetTestBed;
beforeEach(async () => {
  bed = await startFleetTestBed();
});
afterEach(async () => {
  await bed.close();
});

/** Polls until `condition` holds; fails after the deadline instead of hanging. */
async function waitFor(condition: () => boolean, what: string, deadlineMs = 4_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** An agent whose Deploy of `held` waits until the test opens the gate; it counts calls in flight. */
function gatedAgent(held: string) {
  let open = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const state = { inFlight: 0, maxInFlight: 0, arrived: [] as string[] };
  const script: AgentScript = {
    async deploy(request) {
      const name = request.service?.name ?? '';
      state.arrived.push(name);
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      if (name === held) await gate;
      state.inFlight -= 1;
      return create(DeployResponseSchema, { success: true, results: [create(ComponentResultSchema, { name: 'api', success: true, status: ResultStatus.OK })] });
    },
  };
  return { script, state, open };
}

describe('master deploy under the per-service lock', () => {
  it('runs two concurrent deploys of one service one after the other, the second seeing the first placement', async () => {
    const agent = gatedAgent('mcq');
    await bed.startAgent({ name: 'orion' }, agent.script);
    await bed.startAgent({ name: 'vega' }, agent.script);
    const first = deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    const second = deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    // The first is at the agent and the second is queued behind it: only now may the first finish.
    await waitFor(() => agent.state.arrived.length === 1 && serviceLocksFor(bed.deps.store).pending('mcq') === 2, 'the second deploy to queue');
    agent.open();
    const [a, b] = await Promise.all([first, second]);
    expect(agent.state.maxInFlight).toBe(1);
    expect(a.steps[0]?.detail).not.toMatch(/already placed/);
    expect(b.steps[0]?.detail).toMatch(/already placed/);
    expect(b.node).toBe(a.node);
  });

  it('deploys another service while one is held at its agent', async () => {
    const agent = gatedAgent('mcq');
    await bed.startAgent({ name: 'orion' }, agent.script);
    const held = deployService(bed.deps, { spec: specOf('mcq'), component: '', noPull: false });
    await waitFor(() => agent.state.arrived.includes('mcq'), 'the first deploy to reach the agent');
    const other = await deployService(bed.deps, { spec: specOf('alpha'), component: '', noPull: false });
    expect(other.success).toBe(true);
    expect(agent.state.maxInFlight).toBe(2);
    agent.open();
    expect((await held).success).toBe(true);
  });
});
