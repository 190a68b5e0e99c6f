// Master Status against scripted agents (real gRPC over TLS on loopback; see testing/scripted-agents.ts).
import { DiscrepancyKind } from '@mcp/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { FleetError } from './fleet-errors.js';
import { fleetStatus } from './status.js';
import { samplePlacement } from './store/testing.js';
import { startFleetTestBed, specOf, type FleetTestBed } from './testing/scripted-agents.js';

let bed: FleetTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function start(agentTimeoutMs = 2000): Promise<FleetTestBed> {
  bed = await startFleetTestBed({ agentTimeoutMs });
  return bed;
}

async function deploy(fleet: FleetTestBed, name: string, options: Parameters<typeof specOf>[1] = {}) {
  return deployService(fleet.deps, { spec: specOf(name, options), component: '', noPull: false });
}

describe('master status', () => {
  it('shows each placed service with node, tier and its components as the agent reports them', async () => {
    const fleet = await start();
    await fleet.startAgent({ name: 'orion' });
    await deploy(fleet, 'mcq', { image: 'registry.example.net/mcq:v3' });
    const answer = await fleetStatus(fleet.deps, '');
    expect(answer.services).toHaveLength(1);
    const [mcq] = answer.services;
    expect(mcq).toMatchObject({ name: 'mcq', node: 'orion', tier: 'worker', status: 'running', active: true, drift: false, error: '' });
    expect(mcq?.components[0]).toMatchObject({ name: 'api', version: 'v3', desiredState: 'running', observedState: 'running', drift: false });
    expect(mcq?.components[0]?.uptime?.seconds).toBe(60n);
    expect(answer.discrepancies).toEqual([]);
  });

  it('shows a service whose components drift as degraded', async () => {
    const fleet = await start();
    const agent = await fleet.startAgent({ name: 'orion' });
    await deploy(fleet, 'mcq');
    const held = agent.services.get('mcq');
    if (held !== undefined) held.running = false;
    const [mcq] = (await fleetStatus(fleet.deps, 'mcq')).services;
    expect(mcq).toMatchObject({ status: 'degraded', drift: true });
    expect(mcq?.components[0]).toMatchObject({ desiredState: 'running', observedState: 'exited', drift: true });
  });

  it('shows the services of a dead agent as unreachable, from the records, and answers for the others', async () => {
    const fleet = await start();
    await fleet.startAgent({ name: 'orion' });
    const vega = await fleet.startAgent({ name: 'vega', containers: 3 });
    await deploy(fleet, 'alpha', { node: 'orion' });
    await deploy(fleet, 'mcq', { node: 'vega', image: 'registry.example.net/mcq:v2' });
    await vega.stop();
    const answer = await fleetStatus(fleet.deps, '');
    expect(answer.services.map((service) => [service.name, service.status])).toEqual([
      ['alpha', 'running'],
      ['mcq', 'unreachable'],
    ]);
    const mcq = answer.services[1];
    expect(mcq?.error).toMatch(new RegExp(`^node vega \\(${vega.node.address}\\) is unreachable`));
    expect(mcq?.components[0]).toMatchObject({ name: 'api', version: 'v2', desiredState: 'running', observedState: 'unknown' });
    expect(answer.discrepancies.map((d) => [DiscrepancyKind[d.kind], d.node])).toEqual([['UNREACHABLE_NODE', 'vega']]);
  });

  it('does not wait for an agent that never answers', async () => {
    const fleet = await start(300);
    await fleet.startAgent({ name: 'orion' });
    await fleet.startAgent({ name: 'vega' }, {
      // Holds the call until the master gives up on it.
      getServiceStatus: (_request, context) =>
        new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    fleet.deps.store.putPlacement(samplePlacement({ service: 'mcq', node: 'vega' }));
    await deploy(fleet, 'alpha', { node: 'orion' });
    const answer = await fleetStatus(fleet.deps, '');
    expect(answer.services.map((service) => [service.name, service.status])).toEqual([
      ['alpha', 'running'],
      ['mcq', 'unreachable'],
    ]);
    expect(answer.services[1]?.error).toMatch(/^node vega \(.*\) did not answer within 300 ms$/);
  });

  it('does not wait for a node that accepts connections and never speaks', async () => {
    const fleet = await start(300);
    await fleet.startAgent({ name: 'orion' });
    await fleet.addSilentNode({ name: 'vega' });
    fleet.deps.store.putPlacement(samplePlacement({ service: 'mcq', node: 'vega' }));
    await deploy(fleet, 'alpha', { node: 'orion' });
    const answer = await fleetStatus(fleet.deps, '');
    expect(answer.services.map((service) => [service.name, service.status])).toEqual([
      ['alpha', 'running'],
      ['mcq', 'unreachable'],
    ]);
  });

  it('reports a placed service its node does not have as a stale placement', async () => {
    const fleet = await start();
    await fleet.startAgent({ name: 'orion' });
    fleet.deps.store.putPlacement(samplePlacement({ service: 'mcq', node: 'orion' }));
    const answer = await fleetStatus(fleet.deps, '');
    expect(answer.services[0]).toMatchObject({ status: 'unknown', error: 'node orion has no service mcq in its registry' });
    expect(answer.discrepancies.map((d) => [DiscrepancyKind[d.kind], d.serviceName])).toEqual([['STALE_PLACEMENT', 'mcq']]);
  });

  it('reports a service an agent runs without a placement as an orphan', async () => {
    const fleet = await start();
    const agent = await fleet.startAgent({ name: 'orion' });
    agent.services.set('stray', { spec: specOf('stray'), active: true, running: true });
    const answer = await fleetStatus(fleet.deps, '');
    expect(answer.services).toEqual([]);
    expect(answer.discrepancies.map((d) => [DiscrepancyKind[d.kind], d.serviceName, d.node])).toEqual([['ORPHAN', 'stray', 'orion']]);
  });

  it('answers for one unplaced service with its orphan report', async () => {
    const fleet = await start();
    const agent = await fleet.startAgent({ name: 'orion' });
    agent.services.set('stray', { spec: specOf('stray'), active: true, running: true });
    await deploy(fleet, 'mcq');
    const answer = await fleetStatus(fleet.deps, 'stray');
    expect(answer.services).toEqual([]);
    expect(answer.discrepancies.map((d) => d.serviceName)).toEqual(['stray']);
  });

  it('answers NotFound for one service that is neither placed nor running anywhere', async () => {
    const fleet = await start();
    await fleet.startAgent({ name: 'orion' });
    await expect(fleetStatus(fleet.deps, 'ghost')).rejects.toThrow(FleetError);
    await expect(fleetStatus(fleet.deps, 'ghost')).rejects.toMatchObject({ kind: 'not-found' });
  });
});
