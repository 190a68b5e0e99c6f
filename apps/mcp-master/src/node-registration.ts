// The rules of Register and Heartbeat as pure functions: who may register which node, and what is recorded.
import { nodeNameFromIdentity } from '@mcp/auth';
import { parseListenAddress } from '@mcp/config';
import type { RegisterRequest, RuntimeInfo } from '@mcp/proto';
import type { VmSupport } from '@mcp/placement';
import type { NodeRecord, NodeRole } from './deps.js';

/** What the master's config says about registration (config.ts fills it). */
export interface RegistrationRules {
  /** The node the master runs on: the only one that registers with role master. */
  readonly masterNode: string;
  /** Node names whose agent-<name> identity may register. */
  readonly allowNodes: readonly string[];
  readonly maxNodes: number;
}

export type RefusalCode = 'permission-denied' | 'invalid-argument' | 'resource-exhausted';

export type RegistrationDecision =
  | {
      readonly ok: true;
      readonly record: NodeRecord;
      readonly existed: boolean;
      /** What a re-registration changed, for the warning and the answer ("address 10.0.0.2:9444 → 10.0.0.9:9444"). */
      readonly changes: readonly string[];
    }
  | { readonly ok: false; readonly code: RefusalCode; readonly message: string };

export interface RegistrationInput {
  /** The caller's identity name (`agent-rift`). */
  readonly identity: string;
  readonly request: RegisterRequest;
  /** The node as recorded, when it is known already. */
  readonly existing: NodeRecord | undefined;
  readonly nodeCount: number;
  /** Another node already recorded at the requested address, if any. */
  readonly addressHolder?: string | undefined;
  readonly rules: RegistrationRules;
  readonly now: Date;
}

export const nodeRoles: readonly NodeRole[] = ['master', 'worker', 'edge'];

function refuse(code: RefusalCode, message: string): RegistrationDecision {
  return { ok: false, code, message };
}

/**
 * How the reported runtimes run unikernel components: an available qemu with KVM, with TCG alone, or none. Whether
 * a TCG node takes VMs is placement's call, under the master's `[placement] allow_tcg_vms`.
 */
export function vmSupportOf(runtimes: readonly RuntimeInfo[]): VmSupport {
  const vms = runtimes.filter((runtime) => (runtime.componentRuntime === 'unikernel' || runtime.name === 'qemu') && runtime.available);
  if (vms.some((runtime) => runtime.acceleration === 'kvm')) return 'kvm';
  return vms.some((runtime) => runtime.acceleration === 'tcg') ? 'tcg' : 'none';
}

/** The agent's address as the master will dial it: host:port, a specific host, a real port. */
export function addressProblem(address: string): string | undefined {
  const parsed = parseListenAddress(address, { allowWildcard: true });
  if (!parsed.ok) return parsed.problem;
  if (parsed.address.host === '0.0.0.0' || parsed.address.host === '::') return `"${address}" is every interface, not an address the master can call`;
  if (parsed.address.port === 0) return `"${address}" has port 0`;
  return undefined;
}

function checkRequest(input: RegistrationInput, node: string): RegistrationDecision | undefined {
  const { request, rules } = input;
  if (!nodeRoles.includes(request.role as NodeRole)) {
    return refuse('invalid-argument', `role: ${JSON.stringify(request.role)} is not a node role; expected "master", "worker" or "edge"`);
  }
  if (request.role === 'master' && node !== rules.masterNode) {
    return refuse('permission-denied', `node ${node} may not register with role master: the master runs on node ${rules.masterNode}`);
  }
  if (node === rules.masterNode && request.role !== 'master') {
    return refuse('invalid-argument', `role: ${JSON.stringify(request.role)} for node ${node}, which runs the master; expected "master"`);
  }
  const problem = addressProblem(request.address);
  if (problem !== undefined) return refuse('invalid-argument', `address: ${problem}; expected the host:port the agent serves on`);
  return undefined;
}

/** Decides a Register call (SPEC §6): identity, allow-list, request fields, max_nodes; then the record to store. */
export function decideRegistration(input: RegistrationInput): RegistrationDecision {
  const { identity, request, existing, rules, now } = input;
  const node = nodeNameFromIdentity(identity);
  if (node === undefined) return refuse('permission-denied', `identity ${identity} is not an agent identity (agent-<node>)`);
  if (request.name === '') return refuse('invalid-argument', `name: is empty; expected this node's name, ${node}`);
  if (request.name !== node) {
    return refuse('permission-denied', `identity ${identity} may register only node ${node}, not ${JSON.stringify(request.name)}`);
  }
  if (!rules.allowNodes.includes(node)) {
    return refuse('permission-denied', `node ${node} is not on the master's allow-list; add it to registration.allow_nodes in the master's config`);
  }
  const bad = checkRequest(input, node);
  if (bad !== undefined) return bad;
  // The master sends its credentials to the address a node registered: no node may claim another's.
  if (input.addressHolder !== undefined && input.addressHolder !== node) {
    return refuse('permission-denied', `address: ${request.address} is node ${input.addressHolder}'s; node ${node} may register only an address of its own`);
  }
  if (existing === undefined && input.nodeCount >= rules.maxNodes) {
    return refuse('resource-exhausted', `the master already has ${input.nodeCount} nodes (registration.max_nodes = ${rules.maxNodes}); node ${node} was not added`);
  }
  const reported = {
    role: request.role as NodeRole,
    address: request.address,
    arch: request.arch,
    agentVersion: request.agentVersion,
    vms: vmSupportOf(request.runtimes),
    registeredAt: now,
  };
  if (existing === undefined) {
    const record: NodeRecord = { name: node, ...reported, status: 'unknown', containers: 0, cpuMillicores: 0, memoryBytes: 0, diskBytes: 0 };
    return { ok: true, record, existed: false, changes: [] };
  }
  const changes = (['address', 'role', 'arch', 'agentVersion', 'vms'] as const)
    .filter((key) => existing[key] !== reported[key])
    .map((key) => `${key} ${String(existing[key]) || '""'} → ${String(reported[key]) || '""'}`);
  // Health and load stay as they were: only a heartbeat changes them.
  return { ok: true, record: { ...existing, ...reported }, existed: true, changes };
}

export type HeartbeatNode = { readonly ok: true; readonly node: string } | { readonly ok: false; readonly message: string };

/** The node a heartbeat is for: the caller's identity decides, never the request's name field. */
export function heartbeatNodeOf(identity: string): HeartbeatNode {
  const node = nodeNameFromIdentity(identity);
  return node === undefined
    ? { ok: false, message: `identity ${identity} is not an agent identity (agent-<node>)` }
    : { ok: true, node };
}
