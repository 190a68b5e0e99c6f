// The node RPCs of McpMasterService: Register and Heartbeat (agents), ListNodes (operators).
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { callerOf } from '@mcp/auth';
import {
  AddNodeResponseSchema,
  HeartbeatResponseSchema,
  RemoveNodeResponseSchema,
  ListNodesResponseSchema,
  RegisterResponseSchema,
  type HeartbeatRequest,
  type McpMasterService,
} from '@mcp/proto';
import { askEveryAgent } from '../agent-calls.js';
import type { MasterDeps } from '../deps.js';
import type { HandlerGroup } from '../master-handlers.js';

type Impl = ServiceImpl<typeof McpMasterService>;
import { decideAddNode, decideRemoveNode, type NodeAdminRefusal } from '../node-admin.js';
import { nodeInfoOf, recordedNodeInfo } from '../node-info.js';
import { decideRegistration, heartbeatNodeOf, type RefusalCode, type RegistrationRules } from '../node-registration.js';

export interface NodeRpcOptions extends RegistrationRules {
  /** Heartbeat period the master asks agents for. */
  readonly heartbeatIntervalMs: number;
}

const refusalCodes: Record<RefusalCode, Code> = {
  'permission-denied': Code.PermissionDenied,
  'invalid-argument': Code.InvalidArgument,
  'resource-exhausted': Code.ResourceExhausted,
};

/** Load figures of a heartbeat as numbers; a negative one is an agent bug worth refusing loudly. */
function loadOf(request: HeartbeatRequest): { cpuMillicores: number; memoryBytes: number; diskBytes: number; containers: number } {
  const load = {
    cpuMillicores: Number(request.cpuMillicores),
    memoryBytes: Number(request.memoryBytes),
    diskBytes: Number(request.diskBytes),
    containers: request.containers,
  };
  const fields = { cpuMillicores: 'cpu_millicores', memoryBytes: 'memory_bytes', diskBytes: 'disk_bytes', containers: 'containers' } as const;
  for (const [key, field] of Object.entries(fields)) {
    const value = load[key as keyof typeof load];
    if (value < 0) throw new ConnectError(`${field}: ${value} is negative; expected 0 or more`, Code.InvalidArgument);
  }
  return load;
}

function register(deps: MasterDeps, options: NodeRpcOptions): Impl['register'] {
  return (request, context) => {
    const identity = callerOf(context).name;
    // No await between reading and writing: two new nodes cannot both slip under max_nodes.
    const decision = decideRegistration({
      identity,
      request,
      existing: deps.store.findNode(request.name),
      nodeCount: deps.store.countNodes(),
      addressHolder: deps.store.listNodes().find((node) => node.address === request.address && node.name !== request.name)?.name,
      rules: options,
      now: deps.clock.now(),
    });
    const log = deps.log.child({ rpc: 'Register', caller: identity, node: request.name });
    if (!decision.ok) {
      log.warn({ reason: decision.message }, 'registration refused');
      throw new ConnectError(decision.message, refusalCodes[decision.code]);
    }
    deps.store.upsertNode(decision.record);
    const { record } = decision;
    let message = `registered node ${record.name} as ${record.role} at ${record.address}`;
    if (decision.existed) {
      message = decision.changes.length === 0 ? `re-registered node ${record.name}: nothing changed` : `re-registered node ${record.name}: ${decision.changes.join(', ')}`;
      log.warn({ changes: decision.changes, address: record.address }, 'node re-registered');
    } else {
      log.info({ role: record.role, address: record.address, arch: record.arch, agentVersion: record.agentVersion, vms: record.vms }, 'node registered');
    }
    return create(RegisterResponseSchema, { accepted: true, message, heartbeatInterval: durationFromMs(options.heartbeatIntervalMs) });
  };
}

function heartbeat(deps: MasterDeps): Impl['heartbeat'] {
  return (request, context) => {
    const identity = callerOf(context).name;
    const target = heartbeatNodeOf(identity);
    if (!target.ok) throw new ConnectError(target.message, Code.PermissionDenied);
    const log = deps.log.child({ rpc: 'Heartbeat', node: target.node });
    const load = loadOf(request);
    const known = deps.store.findNode(target.node);
    if (known === undefined) {
      log.info({}, 'heartbeat from a node the master does not know; asking it to register again');
      return create(HeartbeatResponseSchema, { acknowledged: false, registerAgain: true });
    }
    if (request.name !== '' && request.name !== target.node) {
      log.warn({ claimed: request.name }, `heartbeat names node ${JSON.stringify(request.name)}; recorded for ${target.node}, the caller's identity`);
    }
    deps.store.recordHeartbeat(target.node, { at: deps.clock.now(), ...load });
    if (known.status === 'unhealthy') log.info({ from: known.status }, 'node healthy again');
    else if (known.status === 'unknown') log.info({ from: known.status }, 'node healthy: first heartbeat');
    return create(HeartbeatResponseSchema, { acknowledged: true });
  };
}

function listNodes(deps: MasterDeps): Impl['listNodes'] {
  return async () => {
    const nodes = deps.store.listNodes();
    const services = new Map<string, number>();
    for (const placement of deps.store.listPlacements()) services.set(placement.node, (services.get(placement.node) ?? 0) + 1);
    const answers = await askEveryAgent(deps, nodes, (client, call) => client.nodeStatus({}, call));
    return create(ListNodesResponseSchema, {
      nodes: answers.map((answer) => nodeInfoOf(answer.node, services.get(answer.node.name) ?? 0, answer)),
    });
  };
}

const adminCodes: Record<NodeAdminRefusal, Code> = {
  'invalid-argument': Code.InvalidArgument,
  'already-exists': Code.AlreadyExists,
  'not-found': Code.NotFound,
  'failed-precondition': Code.FailedPrecondition,
  'resource-exhausted': Code.ResourceExhausted,
};

function addNode(deps: MasterDeps, options: NodeRpcOptions): Impl['addNode'] {
  return (request, context) => {
    const log = deps.log.child({ rpc: 'AddNode', caller: callerOf(context).name, node: request.name });
    // No await between reading and writing: max_nodes and "already known" hold.
    const decision = decideAddNode({
      request,
      existing: deps.store.findNode(request.name),
      nodeCount: deps.store.countNodes(),
      maxNodes: options.maxNodes,
      masterNode: options.masterNode,
    });
    if (!decision.ok) throw new ConnectError(decision.message, adminCodes[decision.code]);
    deps.store.upsertNode(decision.value);
    log.info({ role: decision.value.role, address: decision.value.address }, 'node added by an operator');
    return create(AddNodeResponseSchema, { node: recordedNodeInfo(decision.value, 0) });
  };
}

function removeNode(deps: MasterDeps): Impl['removeNode'] {
  return (request, context) => {
    const log = deps.log.child({ rpc: 'RemoveNode', caller: callerOf(context).name, node: request.name });
    const decision = decideRemoveNode(request.name, deps.store.findNode(request.name), deps.store.listPlacements(), deps.store.listEdgeRoutes());
    if (!decision.ok) throw new ConnectError(decision.message, adminCodes[decision.code]);
    deps.store.deleteNode(request.name);
    log.info({ role: decision.value.role, address: decision.value.address }, 'node removed by an operator');
    return create(RemoveNodeResponseSchema, { node: recordedNodeInfo(decision.value, 0) });
  };
}

/** Register, Heartbeat, ListNodes, AddNode and RemoveNode, with the registration rules from the master's config. */
export function createNodeRpcs(options: NodeRpcOptions): HandlerGroup {
  return (deps) => ({
    register: register(deps, options),
    heartbeat: heartbeat(deps),
    listNodes: listNodes(deps),
    addNode: addNode(deps, options),
    removeNode: removeNode(deps),
  });
}
