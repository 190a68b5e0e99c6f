// AddNode / RemoveNode: operators edit the master's node registry; agents may not.
import { Code } from '@connectrpc/connect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleNode, samplePlacement } from '../store/testing.js';
import { connectFailureOf, startMasterRpcBed, type MasterRpcBed } from '../testing/master-rpc-bed.js';
import { startFleetTestBed, type FleetTestBed } from '../testing/scripted-agents.js';
import { createNodeRpcs, type NodeRpcOptions } from './node-rpcs.js';

const options: NodeRpcOptions = { masterNode: 'rift', allowNodes: ['orion', 'rift'], maxNodes: 3, heartbeatIntervalMs: 30_000 };
const vega = { name: 'vega', role: 'worker', address: '10.0.0.9:9444', arch: 'arm64' };

const failureOf = connectFailureOf;

describe('AddNode and RemoveNode', () => {
  let fleet: FleetTestBed;
  let master: MasterRpcBed;
  beforeEach(async () => {
    fleet = await startFleetTestBed({ agentTimeoutMs: 500 });
    master = await startMasterRpcBed({ deps: fleet.deps, groups: [createNodeRpcs(options)], nodes: ['orion', 'rift'] });
  });
  afterEach(async () => {
    await master.close();
    await fleet.close();
  });

  it('records a node as unknown and answers with its record', async () => {
    const answer = await master.as('operator').addNode(vega);
    expect(answer.node).toMatchObject({ name: 'vega', role: 'worker', address: '10.0.0.9:9444', arch: 'arm64', status: 'unknown' });
    expect(fleet.store.store.findNode('vega')).toMatchObject({ role: 'worker', address: '10.0.0.9:9444', status: 'unknown' });
  });

  it('refuses a known node with AlreadyExists and changes nothing', async () => {
    fleet.store.store.upsertNode(sampleNode({ name: 'vega', address: '10.0.0.1:9444' }));
    const error = await failureOf(master.as('operator').addNode(vega));
    expect([error.code, error.rawMessage]).toEqual([Code.AlreadyExists, 'node vega is already known (worker at 10.0.0.1:9444); remove it first to record it anew']);
    expect(fleet.store.store.findNode('vega')?.address).toBe('10.0.0.1:9444');
  });

  it.each([
    [{ ...vega, name: 'Vega' }, 'name: "Vega" is not a node name'],
    [{ ...vega, role: 'boss' }, 'role: "boss" is not a node role'],
    [{ ...vega, role: 'master' }, 'only node rift, which runs the master, has role master'],
    [{ ...vega, address: 'vega' }, 'address: '],
  ])('refuses bad input with InvalidArgument naming the field (%o)', async (request, message) => {
    const error = await failureOf(master.as('operator').addNode(request));
    expect([error.code, error.rawMessage]).toEqual([Code.InvalidArgument, expect.stringContaining(message)]);
    expect(fleet.store.store.countNodes()).toBe(0);
  });

  it('refuses a node beyond max_nodes with ResourceExhausted', async () => {
    for (const name of ['a', 'b', 'c']) fleet.store.store.upsertNode(sampleNode({ name }));
    const error = await failureOf(master.as('operator').addNode(vega));
    expect(error.code).toBe(Code.ResourceExhausted);
  });

  it('removes a node that hosts nothing', async () => {
    fleet.store.store.upsertNode(sampleNode({ name: 'vega' }));
    const answer = await master.as('operator').removeNode({ name: 'vega' });
    expect(answer.node?.name).toBe('vega');
    expect(fleet.store.store.findNode('vega')).toBeUndefined();
  });

  it('refuses to remove a node that hosts services, naming them, with FailedPrecondition', async () => {
    fleet.store.store.upsertNode(sampleNode({ name: 'orion' }));
    fleet.store.store.putPlacement(samplePlacement({ service: 'mcq', node: 'orion' }));
    const error = await failureOf(master.as('operator').removeNode({ name: 'orion' }));
    expect([error.code, error.rawMessage]).toEqual([Code.FailedPrecondition, 'node orion hosts mcq; undeploy or migrate it first (mcp undeploy / mcp migrate --to <node>)']);
    expect(fleet.store.store.findNode('orion')).toBeDefined();
  });

  it('refuses an unknown node with NotFound', async () => {
    const error = await failureOf(master.as('operator').removeNode({ name: 'ghost' }));
    expect(error.code).toBe(Code.NotFound);
  });

  it('refuses agents: only operators edit the node registry', async () => {
    expect((await failureOf(master.as('agent-orion').addNode(vega))).code).toBe(Code.PermissionDenied);
    expect((await failureOf(master.as('agent-orion').removeNode({ name: 'orion' }))).code).toBe(Code.PermissionDenied);
  });
});
