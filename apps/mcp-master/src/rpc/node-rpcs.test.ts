import { create } from '@bufbuild/protobuf';
import { durationMs } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { NodeStatusResponseSchema } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectFailureOf, startMasterRpcBed, type MasterRpcBed } from '../testing/master-rpc-bed.js';
import { startFleetTestBed, type FleetTestBed } from '../testing/scripted-agents.js';
import { sampleNode, samplePlacement } from '../store/testing.js';
import { createNodeRpcs, type NodeRpcOptions } from './node-rpcs.js';

const options: NodeRpcOptions = { masterNode: 'rift', allowNodes: ['orion', 'rift', 'vega'], maxNodes: 16, heartbeatIntervalMs: 30_000 };

const failureOf = connectFailureOf;

const orion = { name: 'orion', role: 'worker', address: '10.0.0.2:9444', arch: 'amd64', agentVersion: '0.2.0' };
const load = { cpuMillicores: 1500n, memoryBytes: 2048n, diskBytes: 4096n, containers: 3 };

describe('node RPCs', () => {
  let fleet: FleetTestBed;
  let master: MasterRpcBed;
  beforeEach(async () => {
    fleet = await startFleetTestBed({ agentTimeoutMs: 500 });
    master = await startMasterRpcBed({ deps: fleet.deps, groups: [createNodeRpcs(options)], nodes: ['orion', 'rift', 'lyra'] });
  });
  afterEach(async () => {
    await master.close();
    await fleet.close();
  });

  describe('Register', () => {
    it('accepts the caller’s own node, records it as unknown and gives the heartbeat interval', async () => {
      const answer = await master.as('agent-orion').register(orion);
      expect(answer.accepted).toBe(true);
      expect(answer.heartbeatInterval && durationMs(answer.heartbeatInterval)).toBe(30_000);
      expect(fleet.store.store.findNode('orion')).toMatchObject({ role: 'worker', address: '10.0.0.2:9444', status: 'unknown', agentVersion: '0.2.0' });
    });

    it('refuses another node’s name with PermissionDenied and records nothing', async () => {
      const error = await failureOf(master.as('agent-orion').register({ ...orion, name: 'rift', role: 'master' }));
      expect(error.code).toBe(Code.PermissionDenied);
      expect(error.rawMessage).toBe('identity agent-orion may register only node orion, not "rift"');
      expect(fleet.store.store.countNodes()).toBe(0);
    });

    it('refuses a node that is not on the allow-list', async () => {
      const error = await failureOf(master.as('agent-lyra').register({ ...orion, name: 'lyra' }));
      expect(error.code).toBe(Code.PermissionDenied);
      expect(error.rawMessage).toContain("node lyra is not on the master's allow-list");
    });

    it('refuses an operator, who is no agent', async () => {
      const error = await failureOf(master.as('operator').register(orion));
      expect(error.code).toBe(Code.PermissionDenied);
    });

    it('refuses a new node beyond max_nodes with ResourceExhausted', async () => {
      const full = await startMasterRpcBed({ deps: fleet.deps, groups: [createNodeRpcs({ ...options, maxNodes: 1 })], nodes: ['orion', 'rift'] });
      try {
        await full.as('agent-rift').register({ ...orion, name: 'rift', role: 'master', address: '10.0.0.1:9444' });
        const error = await failureOf(full.as('agent-orion').register(orion));
        expect(error.code).toBe(Code.ResourceExhausted);
        expect(fleet.store.store.listNodes().map((node) => node.name)).toEqual(['rift']);
      } finally {
        await full.close();
      }
    });

    it('updates the address on re-registration and logs a warning', async () => {
      await master.as('agent-orion').register(orion);
      master.advanceMs(60_000);
      const answer = await master.as('agent-orion').register({ ...orion, address: '10.0.0.9:9444' });
      expect(answer.message).toBe('re-registered node orion: address 10.0.0.2:9444 → 10.0.0.9:9444');
      expect(fleet.store.store.findNode('orion')?.address).toBe('10.0.0.9:9444');
      expect(fleet.logs.lines()).toContainEqual(expect.objectContaining({ level: 40, msg: 'node re-registered', node: 'orion' }));
    });

    it('limits each identity to one registration a minute', async () => {
      await master.as('agent-orion').register(orion);
      master.advanceMs(59_000);
      const error = await failureOf(master.as('agent-orion').register(orion));
      expect(error.code).toBe(Code.ResourceExhausted);
      master.advanceMs(1_000);
      expect((await master.as('agent-orion').register(orion)).accepted).toBe(true);
    });
  });

  describe('Heartbeat', () => {
    it('records the load for the caller’s node, whatever name the request carries', async () => {
      fleet.store.store.upsertNode(sampleNode({ name: 'orion' }));
      fleet.store.store.upsertNode(sampleNode({ name: 'rift', role: 'master', address: '10.0.0.1:9444' }));
      const answer = await master.as('agent-orion').heartbeat({ name: 'rift', ...load });
      expect(answer).toMatchObject({ acknowledged: true, registerAgain: false });
      expect(fleet.store.store.findNode('orion')).toMatchObject({
        status: 'healthy',
        cpuMillicores: 1500,
        memoryBytes: 2048,
        diskBytes: 4096,
        containers: 3,
        lastHeartbeat: fleet.store.clock.now(),
      });
      expect(fleet.store.store.findNode('rift')?.lastHeartbeat).toBeUndefined();
    });

    it('asks a node the master does not know to register again', async () => {
      const answer = await master.as('agent-orion').heartbeat({ name: 'orion', ...load });
      expect(answer).toMatchObject({ acknowledged: false, registerAgain: true });
      expect(fleet.store.store.countNodes()).toBe(0);
    });

    it('makes an unhealthy node healthy again and logs it', async () => {
      fleet.store.store.upsertNode(sampleNode({ name: 'orion', status: 'unhealthy' }));
      await master.as('agent-orion').heartbeat({ name: 'orion', ...load });
      expect(fleet.store.store.findNode('orion')?.status).toBe('healthy');
      expect(fleet.logs.lines()).toContainEqual(expect.objectContaining({ msg: 'node healthy again', node: 'orion', from: 'unhealthy' }));
    });

    it('refuses a negative load figure', async () => {
      fleet.store.store.upsertNode(sampleNode({ name: 'orion' }));
      const error = await failureOf(master.as('agent-orion').heartbeat({ name: 'orion', ...load, containers: -1 }));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toBe('containers: -1 is negative; expected 0 or more');
    });

    it('limits each identity to one heartbeat every 10 s', async () => {
      fleet.store.store.upsertNode(sampleNode({ name: 'orion' }));
      await master.as('agent-orion').heartbeat({ name: 'orion', ...load });
      master.advanceMs(9_999);
      expect((await failureOf(master.as('agent-orion').heartbeat({ name: 'orion', ...load }))).code).toBe(Code.ResourceExhausted);
    });
  });

  describe('ListNodes', () => {
    it('shows each node with its live facts, its services and its last heartbeat', async () => {
      const status = create(NodeStatusResponseSchema, {
        node: 'vega',
        agentVersion: '0.3.0',
        facts: { hostname: 'vega', arch: 'arm64', cpus: 4 },
        capacity: { containers: 5, cpuMillicores: 4000n },
        runtimes: [{ name: 'podman', componentRuntime: 'container', available: true, version: '4.3.1' }],
      });
      const lastHeartbeat = new Date('2025-01-01T00:00:00.000Z');
      const vega = await fleet.startAgent({ name: 'vega', arch: '', containers: 2, lastHeartbeat }, { nodeStatus: () => status });
      fleet.store.store.putPlacement(samplePlacement({ service: 'mcq', node: 'vega' }));
      fleet.store.store.putPlacement(samplePlacement({ service: 'web', node: 'vega' }));
      const { nodes } = await master.as('operator').listNodes({});
      expect(nodes).toHaveLength(1);
      expect(nodes[0]).toMatchObject({
        name: 'vega',
        role: 'worker',
        address: vega.node.address,
        arch: 'arm64',
        status: 'healthy',
        containers: 5,
        services: 2,
        lastHeartbeat: '2025-01-01T00:00:00.000Z',
        agentVersion: '0.3.0',
        facts: { hostname: 'vega', cpus: 4 },
        capacity: { containers: 5 },
        runtimes: [expect.objectContaining({ name: 'podman', version: '4.3.1' })],
        error: '',
      });
    });

    it('shows a dead agent and a silent one as unreachable without stalling the others', async () => {
      await fleet.addDeadNode({ name: 'dead', containers: 7 });
      await fleet.startAgent({ name: 'hung' }, { nodeStatus: () => new Promise<never>(() => {}) });
      await fleet.startAgent({ name: 'live' }, { nodeStatus: () => create(NodeStatusResponseSchema, { agentVersion: '0.3.0' }) });
      const { nodes } = await master.as('operator').listNodes({});
      expect(nodes.map((node) => [node.name, node.status])).toEqual([
        ['dead', 'unreachable'],
        ['hung', 'unreachable'],
        ['live', 'healthy'],
      ]);
      expect(nodes[0]).toMatchObject({ containers: 7, error: expect.stringContaining('node dead') });
      expect(nodes[1]?.error).toContain('did not answer within 500 ms');
    });

    it('keeps showing a node the master marked unhealthy as unhealthy when its agent does not answer', async () => {
      await fleet.addDeadNode({ name: 'sick', status: 'unhealthy' });
      const { nodes } = await master.as('operator').listNodes({});
      expect(nodes.find((node) => node.name === 'sick')).toMatchObject({
        status: 'unhealthy',
        error: expect.stringContaining('node sick'),
      });
    });

    it('refuses an agent, which may call only Register and Heartbeat', async () => {
      expect((await failureOf(master.as('agent-orion').listNodes({}))).code).toBe(Code.PermissionDenied);
    });
  });

  it('answers Migrate with Unimplemented when the snapshot group is not served', async () => {
    const error = await failureOf(master.as('operator').migrate({ serviceName: 'mcq', targetNode: 'vega' }));
    expect(error.code).toBe(Code.Unimplemented);
  });
});
