import { describe, expect, it } from 'vitest';
import type { CallerClass } from './caller-class.js';
import type { Identity } from './identity.js';
import type { RpcClass } from './policy.js';
import { agentServiceName, classifyRpc, masterServiceName, mcpPolicy, rpcClassTable } from './policy.js';

const callers: Record<CallerClass, Identity> = {
  human: { name: 'alice', account: 'human', roles: ['admin'] },
  agent: { name: 'agent-rift', account: 'system', roles: [] },
  master: { name: 'mcp-master', account: 'system', roles: [] },
  guest: { name: 'visitor', account: 'human', roles: ['guest'] },
  'other-system': { name: 'backup-bot', account: 'system', roles: [] },
};

// SPEC 9 written out as a table, independently of the policy's own data.
const expected: Record<CallerClass, Record<RpcClass, boolean>> = {
  human: { 'master-cli': true, 'master-agent': false, 'agent-operational': true, 'agent-master-only': false, unknown: false },
  agent: { 'master-cli': false, 'master-agent': true, 'agent-operational': false, 'agent-master-only': false, unknown: false },
  master: { 'master-cli': false, 'master-agent': false, 'agent-operational': true, 'agent-master-only': true, unknown: false },
  guest: { 'master-cli': false, 'master-agent': false, 'agent-operational': false, 'agent-master-only': false, unknown: false },
  'other-system': { 'master-cli': false, 'master-agent': false, 'agent-operational': false, 'agent-master-only': false, unknown: false },
};

const methodsByClass: Record<RpcClass, [string, string][]> = {
  'master-cli': [], 'master-agent': [], 'agent-operational': [], 'agent-master-only': [],
  unknown: [[agentServiceName, 'Shutdown'], [masterServiceName, 'constructor'], ['grpc.health.v1.Health', 'Check']],
};
for (const [service, methods] of Object.entries(rpcClassTable)) {
  for (const [method, rpcClass] of Object.entries(methods)) methodsByClass[rpcClass].push([service, method]);
}

const cases = Object.entries(expected).flatMap(([callerClass, row]) =>
  Object.entries(row).flatMap(([rpcClass, allowed]) =>
    methodsByClass[rpcClass as RpcClass].map(([service, method]) => ({ callerClass: callerClass as CallerClass, service, method, allowed })),
  ),
);

describe('mcpPolicy', () => {
  it.each(cases)('$callerClass calling $service/$method: allowed=$allowed', ({ callerClass, service, method, allowed }) => {
    expect(mcpPolicy({ service, method, identity: callers[callerClass] }).allowed).toBe(allowed);
  });

  it('gives a reason when it denies', () => {
    expect(mcpPolicy({ service: agentServiceName, method: 'Deploy', identity: callers.agent })).toEqual({
      allowed: false,
      reason: "agent identities may call only the master's Register and Heartbeat",
    });
  });

  it('tells a human that a master-only agent RPC is reserved for mcp-master', () => {
    expect(mcpPolicy({ service: agentServiceName, method: 'HealthCheck', identity: callers.human })).toEqual({
      allowed: false,
      reason: 'this agent RPC is reserved for mcp-master',
    });
  });

  it('names an RPC missing from the policy', () => {
    expect(mcpPolicy({ service: agentServiceName, method: 'Shutdown', identity: callers.master })).toEqual({
      allowed: false,
      reason: 'mcp.v1.McpAgentService/Shutdown is not in the authorization policy',
    });
  });
});

describe('classifyRpc', () => {
  it('classes the six master-only agent RPCs of SPEC 9', () => {
    const masterOnly = methodsByClass['agent-master-only'].map(([, method]) => method).sort();
    expect(masterOnly).toEqual(['ExportServiceData', 'HealthCheck', 'ImportServiceData', 'ListEdgeRoutes', 'RemoveEdgeRoute', 'SetupEdgeRoute']);
  });

  it('classes Register and Heartbeat as the agents\' master RPCs', () => {
    expect([classifyRpc(masterServiceName, 'Register'), classifyRpc(masterServiceName, 'Heartbeat')]).toEqual(['master-agent', 'master-agent']);
  });

  it('does not mistake an inherited object property for a method', () => {
    expect(classifyRpc(agentServiceName, 'toString')).toBe('unknown');
  });

  it('keeps the same method name on the two services apart', () => {
    expect([classifyRpc(agentServiceName, 'Deploy'), classifyRpc(masterServiceName, 'Deploy')]).toEqual(['agent-operational', 'master-cli']);
  });
});
