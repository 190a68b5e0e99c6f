// One node as ListNodes shows it: the master's record, completed by the agent's live NodeStatus when it answered.
import { create } from '@bufbuild/protobuf';
import { NodeInfoSchema, type NodeInfo, type NodeStatusResponse } from '@mcp/proto';
import type { AgentAnswer } from './agent-calls.js';
import type { NodeRecord } from './deps.js';

/** RFC 3339 UTC, "" when there is no time (the Go MCP's string timestamps). */
export function rfc3339(time: Date | undefined): string {
  return time === undefined ? '' : time.toISOString();
}

/**
 * `status` is the recorded health, or "unreachable" when the agent did not answer now (its `error` says
 * why) — except that a node the master has marked unhealthy stays "unhealthy": that is what keeps new
 * placements away from it. Containers, version and arch prefer the live answer, then the last heartbeat.
 */
export function nodeInfoOf(node: NodeRecord, services: number, answer: AgentAnswer<NodeStatusResponse>): NodeInfo {
  const base = {
    name: node.name,
    role: node.role,
    address: node.address,
    arch: node.arch,
    lastHeartbeat: rfc3339(node.lastHeartbeat),
    services,
  };
  if (!answer.ok) {
    return create(NodeInfoSchema, {
      ...base,
      status: node.status === 'unhealthy' ? 'unhealthy' : 'unreachable',
      containers: node.containers,
      agentVersion: node.agentVersion,
      error: answer.error,
    });
  }
  const live = answer.value;
  return create(NodeInfoSchema, {
    ...base,
    arch: node.arch || (live.facts?.arch ?? ''),
    status: node.status,
    containers: live.capacity?.containers ?? node.containers,
    agentVersion: live.agentVersion || node.agentVersion,
    runtimes: live.runtimes,
    ...(live.facts === undefined ? {} : { facts: live.facts }),
    ...(live.capacity === undefined ? {} : { capacity: live.capacity }),
  });
}

/** A node as recorded only, without asking its agent (AddNode, RemoveNode answer with it). */
export function recordedNodeInfo(node: NodeRecord, services: number): NodeInfo {
  return create(NodeInfoSchema, {
    name: node.name,
    role: node.role,
    address: node.address,
    arch: node.arch,
    status: node.status,
    containers: node.containers,
    lastHeartbeat: rfc3339(node.lastHeartbeat),
    services,
    agentVersion: node.agentVersion,
  });
}
