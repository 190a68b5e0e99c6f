// The rules of AddNode and RemoveNode (operators edit the node registry by hand) as pure functions.
import type { AddNodeRequest } from '@mcp/proto';
import { isValidName } from '@mcp/servicedef';
import type { EdgeRouteRecord, NodeRecord, NodeRole, PlacementRecord } from './deps.js';
import { addressProblem, nodeRoles } from './node-registration.js';

export type NodeAdminRefusal = 'invalid-argument' | 'already-exists' | 'not-found' | 'failed-precondition' | 'resource-exhausted';

export type NodeAdminDecision<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: NodeAdminRefusal; readonly message: string };

const refuse = <T>(code: NodeAdminRefusal, message: string): NodeAdminDecision<T> => ({ ok: false, code, message });

export interface AddNodeInput {
  readonly request: AddNodeRequest;
  readonly existing: NodeRecord | undefined;
  readonly nodeCount: number;
  readonly maxNodes: number;
  /** The node the master runs on: the only one with role master. */
  readonly masterNode: string;
}

/** A new record with status unknown (as a bootstrap node from the config) or why not. */
export function decideAddNode(input: AddNodeInput): NodeAdminDecision<NodeRecord> {
  const { request } = input;
  if (!isValidName(request.name)) {
    return refuse('invalid-argument', `name: ${JSON.stringify(request.name)} is not a node name; expected lower-case letters, digits and "-", starting with a letter`);
  }
  if (!nodeRoles.includes(request.role as NodeRole)) {
    return refuse('invalid-argument', `role: ${JSON.stringify(request.role)} is not a node role; expected "master", "worker" or "edge"`);
  }
  if ((request.role === 'master') !== (request.name === input.masterNode)) {
    return refuse('invalid-argument', `role: ${request.role} for node ${request.name}; only node ${input.masterNode}, which runs the master, has role master`);
  }
  const problem = addressProblem(request.address);
  if (problem !== undefined) return refuse('invalid-argument', `address: ${problem}; expected the host:port its agent serves on`);
  if (input.existing !== undefined) {
    return refuse('already-exists', `node ${request.name} is already known (${input.existing.role} at ${input.existing.address}); remove it first to record it anew`);
  }
  if (input.nodeCount >= input.maxNodes) {
    return refuse('resource-exhausted', `the master already has ${input.nodeCount} nodes (registration.max_nodes = ${input.maxNodes}); node ${request.name} was not added`);
  }
  return { ok: true, value: unknownNodeRecord({ name: request.name, role: request.role as NodeRole, address: request.address, arch: request.arch }) };
}

/** A node the master knows of but has not heard from (a bootstrap node, one an operator added): status unknown, no load. */
export function unknownNodeRecord(node: Pick<NodeRecord, 'name' | 'role' | 'address' | 'arch'>): NodeRecord {
  return { ...node, agentVersion: '', status: 'unknown', containers: 0, vms: 'none', cpuMillicores: 0, memoryBytes: 0, diskBytes: 0 };
}

/** The record to delete, or why not: an unknown node, or one that still hosts services. */
export function decideRemoveNode(
  name: string,
  existing: NodeRecord | undefined,
  placements: readonly PlacementRecord[],
  edgeRoutes: readonly EdgeRouteRecord[] = [],
): NodeAdminDecision<NodeRecord> {
  if (existing === undefined) return refuse('not-found', `node ${JSON.stringify(name)} is not known to the master; mcp node list shows the known nodes`);
  const hosted = placements.filter((placement) => placement.node === name).map((placement) => placement.service);
  if (hosted.length > 0) {
    return refuse(
      'failed-precondition',
      `node ${name} hosts ${hosted.join(', ')}; undeploy or migrate ${hosted.length === 1 ? 'it' : 'them'} first (mcp undeploy / mcp migrate --to <node>)`,
    );
  }
  const served = edgeRoutes.filter((route) => route.edgeNode === name).map((route) => `${route.hostname} (service ${route.service})`);
  if (served.length > 0) {
    return refuse('failed-precondition', `edge node ${name} serves the public routes ${served.join(', ')}; undeploy those services first (mcp undeploy)`);
  }
  return { ok: true, value: existing };
}
