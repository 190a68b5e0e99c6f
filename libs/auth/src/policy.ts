// The authorization policy: a pure function of (service, method, identity) to allowed or denied-with-reason.
import type { CallerClass } from './caller-class.js';
import { classifyCaller } from './caller-class.js';
import type { Identity } from './identity.js';

export const agentServiceName = 'mcp.v1.McpAgentService';
export const masterServiceName = 'mcp.v1.McpMasterService';

/**
 * - `master-cli`: master RPCs the CLI calls.
 * - `master-agent`: master RPCs agents call (Register, Heartbeat).
 * - `agent-operational`: agent RPCs the CLI may call with --direct (and the master).
 * - `agent-master-only`: agent RPCs only the master may call.
 * - `unknown`: anything not listed here; refused to everyone, so a new RPC is closed until classified.
 */
export type RpcClass = 'master-cli' | 'master-agent' | 'agent-operational' | 'agent-master-only' | 'unknown';

export const rpcClassTable: Readonly<Record<string, Readonly<Record<string, Exclude<RpcClass, 'unknown'>>>>> = {
  [masterServiceName]: {
    ...classOf('master-cli', [
      'Deploy', 'Undeploy', 'Status', 'Sync', 'Migrate', 'ListNodes', 'CreateSnapshot', 'ListSnapshots', 'ListZoneRecords', 'ListPublicRoutes',
      'AddNode', 'RemoveNode',
      'MigrateStream', 'CreateSnapshotStream', 'RestoreSnapshot',
    ]),
    ...classOf('master-agent', ['Register', 'Heartbeat']),
  },
  [agentServiceName]: {
    ...classOf('agent-operational', [
      'Deploy', 'UndeployService', 'StopService', 'StartService', 'RestartService', 'SyncDesiredState',
      'ListServices', 'GetServiceStatus', 'LiveCheck', 'AdoptContainers', 'PurgeComponent', 'Recover',
      'PushFile', 'PullFile', 'PushFileStream', 'PullFileStream', 'NodeStatus', 'Logs',
      'ListProxyRoutes', 'AddProxyRoute', 'RemoveProxyRoute', 'ListDNSRecords',
    ]),
    ...classOf('agent-master-only', [
      'HealthCheck', 'SetupEdgeRoute', 'RemoveEdgeRoute', 'ListEdgeRoutes', 'ExportServiceData', 'ImportServiceData',
    ]),
  },
};

/** Which RPC classes each caller class may call; everything else is denied. */
export const allowedRpcClasses: Readonly<Record<CallerClass, readonly RpcClass[]>> = {
  human: ['master-cli', 'agent-operational'],
  agent: ['master-agent'],
  master: ['agent-operational', 'agent-master-only'],
  guest: [],
  'other-system': [],
};

/** The table as RPC → caller classes allowed to call it (`unknown` RPCs: none); for docs and generated tests. */
export function allowedCallerClasses(service: string, method: string): readonly CallerClass[] {
  const rpcClass = classifyRpc(service, method);
  return (Object.keys(allowedRpcClasses) as CallerClass[]).filter((caller) => allowedRpcClasses[caller].includes(rpcClass));
}

export interface RpcCall {
  /** Fully qualified protobuf service name, e.g. `mcp.v1.McpAgentService`. */
  readonly service: string;
  /** Method name as in the proto file, e.g. `Deploy`. */
  readonly method: string;
  readonly identity: Identity;
}

export type AuthorizationDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

export type AuthorizationPolicy = (call: RpcCall) => AuthorizationDecision;

export function classifyRpc(service: string, method: string): RpcClass {
  // Own properties only: `constructor` or `toString` must not look like a method.
  const methods = Object.hasOwn(rpcClassTable, service) ? rpcClassTable[service] : undefined;
  if (methods === undefined || !Object.hasOwn(methods, method)) return 'unknown';
  return methods[method] ?? 'unknown';
}

/** The policy of SPEC 9. */
export const mcpPolicy: AuthorizationPolicy = ({ service, method, identity }) => {
  const rpcClass = classifyRpc(service, method);
  if (rpcClass === 'unknown') return { allowed: false, reason: `${service}/${method} is not in the authorization policy` };
  const callerClass = classifyCaller(identity);
  if (allowedRpcClasses[callerClass].includes(rpcClass)) return { allowed: true };
  return { allowed: false, reason: denialReason(callerClass, rpcClass) };
};

function denialReason(callerClass: CallerClass, rpcClass: RpcClass): string {
  switch (callerClass) {
    case 'guest':
      return 'guest accounts may not call any RPC';
    case 'other-system':
      return 'this system account is neither mcp-master nor agent-<node>';
    case 'agent':
      return 'agent identities may call only the master\'s Register and Heartbeat';
    case 'master':
      return 'mcp-master may call only agent RPCs';
    case 'human':
      return rpcClass === 'agent-master-only'
        ? 'this agent RPC is reserved for mcp-master'
        : 'Register and Heartbeat are reserved for agents';
  }
}

function classOf<C extends Exclude<RpcClass, 'unknown'>>(rpcClass: C, methods: readonly string[]): Record<string, C> {
  return Object.fromEntries(methods.map((method) => [method, rpcClass]));
}
