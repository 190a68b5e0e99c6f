import { create } from '@bufbuild/protobuf';
import { RegisterRequestSchema, RuntimeInfoSchema, type RegisterRequest } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import type { NodeRecord } from './deps.js';
import { decideRegistration, heartbeatNodeOf, type RegistrationInput, type RegistrationRules, vmSupportOf } from './node-registration.js';
import { sampleNode } from './store/testing.js';

const rules: RegistrationRules = { masterNode: 'rift', allowNodes: ['orion', 'rift', 'vega'], maxNodes: 3 };
const now = new Date('2025-05-01T08:00:00.000Z');

function request(fields: Partial<Pick<RegisterRequest, 'name' | 'role' | 'address' | 'agentVersion'>> = {}): RegisterRequest {
  return create(RegisterRequestSchema, { name: 'orion', role: 'worker', address: '10.0.0.2:9444', arch: 'amd64', agentVersion: '0.2.0', ...fields });
}

function decide(overrides: Partial<RegistrationInput> = {}) {
  return decideRegistration({ identity: 'agent-orion', request: request(), existing: undefined, nodeCount: 0, rules, now, ...overrides });
}

const qemu = (acceleration: string, available = true) =>
  create(RuntimeInfoSchema, { name: 'qemu', componentRuntime: 'unikernel', available, acceleration });

describe('decideRegistration', () => {
  it('records a new node as unknown, with what it reported and when', () => {
    expect(decide()).toEqual({
      ok: true,
      existed: false,
      changes: [],
      record: sampleNode({ agentVersion: '0.2.0', registeredAt: now }),
    });
  });

  it('refuses a node name other than the identity’s', () => {
    expect(decide({ request: request({ name: 'rift', role: 'master' }) })).toEqual({
      ok: false,
      code: 'permission-denied',
      message: 'identity agent-orion may register only node orion, not "rift"',
    });
  });

  it("refuses an address another node holds, so the master never sends that node's calls elsewhere", () => {
    expect(decide({ addressHolder: 'vega' })).toEqual({
      ok: false,
      code: 'permission-denied',
      message: "address: 10.0.0.2:9444 is node vega's; node orion may register only an address of its own",
    });
    expect(decide({ addressHolder: 'orion' }).ok).toBe(true);
  });

  it('refuses an empty node name as a bad field', () => {
    expect(decide({ request: request({ name: '' }) })).toMatchObject({ ok: false, code: 'invalid-argument', message: expect.stringMatching(/^name: is empty/) });
  });

  it('refuses an identity that is not an agent’s', () => {
    expect(decide({ identity: 'mcp-master' })).toMatchObject({ ok: false, code: 'permission-denied' });
  });

  it('refuses a node that is not on the allow-list and says where to add it', () => {
    const decision = decide({ identity: 'agent-lyra', request: request({ name: 'lyra' }) });
    expect(decision).toMatchObject({ ok: false, code: 'permission-denied', message: expect.stringContaining('registration.allow_nodes') });
  });

  it('refuses role master from any node but the master’s', () => {
    expect(decide({ request: request({ role: 'master' }) })).toMatchObject({
      ok: false,
      code: 'permission-denied',
      message: 'node orion may not register with role master: the master runs on node rift',
    });
  });

  it('refuses the master’s own node with another role', () => {
    const decision = decide({ identity: 'agent-rift', request: request({ name: 'rift', role: 'worker' }) });
    expect(decision).toMatchObject({ ok: false, code: 'invalid-argument', message: expect.stringContaining('which runs the master') });
  });

  it('refuses a role that is not a node role', () => {
    expect(decide({ request: request({ role: 'gateway' }) })).toMatchObject({ ok: false, code: 'invalid-argument', message: expect.stringMatching(/^role: "gateway"/) });
  });

  it.each(['10.0.0.2', '0.0.0.0:9444', '[::]:9444', '10.0.0.2:0', ''])('refuses the address %j, which the master cannot call', (address) => {
    expect(decide({ request: request({ address }) })).toMatchObject({ ok: false, code: 'invalid-argument', message: expect.stringMatching(/^address: /) });
  });

  it('refuses a new node once max_nodes are known', () => {
    expect(decide({ nodeCount: 3 })).toEqual({
      ok: false,
      code: 'resource-exhausted',
      message: 'the master already has 3 nodes (registration.max_nodes = 3); node orion was not added',
    });
  });

  it('accepts a known node registering again when max_nodes are known', () => {
    expect(decide({ nodeCount: 3, existing: sampleNode() })).toMatchObject({ ok: true, existed: true });
  });

  it('updates the address of a node registering again and keeps its health and load', () => {
    const existing: NodeRecord = sampleNode({
      status: 'healthy',
      containers: 4,
      cpuMillicores: 900,
      lastHeartbeat: new Date('2025-05-01T07:59:40.000Z'),
      registeredAt: new Date('2025-04-01T00:00:00.000Z'),
    });
    const decision = decide({ existing, request: request({ address: '10.0.0.9:9444', agentVersion: '0.1.0' }) });
    expect(decision).toEqual({
      ok: true,
      existed: true,
      changes: ['address 10.0.0.2:9444 → 10.0.0.9:9444'],
      record: { ...existing, address: '10.0.0.9:9444', registeredAt: now },
    });
  });
});

describe('vmSupportOf', () => {
  it('says kvm for qemu with KVM, and tcg for qemu with TCG alone', () => {
    expect(vmSupportOf([qemu('kvm')])).toBe('kvm');
    expect(vmSupportOf([qemu('tcg')])).toBe('tcg');
  });

  it('says none for a qemu that is not available, and for podman alone', () => {
    expect(vmSupportOf([qemu('kvm', false)])).toBe('none');
    expect(vmSupportOf([create(RuntimeInfoSchema, { name: 'podman', componentRuntime: 'container', available: true })])).toBe('none');
  });
});

describe('heartbeatNodeOf', () => {
  it('takes the node from the identity', () => {
    expect(heartbeatNodeOf('agent-orion')).toEqual({ ok: true, node: 'orion' });
  });

  it('refuses an identity that is not an agent’s', () => {
    expect(heartbeatNodeOf('operator')).toMatchObject({ ok: false });
  });
});
