import { McpAgentService, McpMasterService } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { agentServiceName, classifyRpc, masterServiceName } from './policy.js';

// The policy is closed by default; this fails when an RPC is added to the proto without a decision.
describe('the policy against the generated services', () => {
  it('names the two services as the proto does', () => {
    expect([McpAgentService.typeName, McpMasterService.typeName]).toEqual([agentServiceName, masterServiceName]);
  });

  it.each(McpAgentService.methods.map((method) => method.name))('classifies the agent RPC %s', (method) => {
    expect(classifyRpc(agentServiceName, method)).toMatch(/^agent-(operational|master-only)$/);
  });

  it.each(McpMasterService.methods.map((method) => method.name))('classifies the master RPC %s', (method) => {
    expect(classifyRpc(masterServiceName, method)).toMatch(/^master-(cli|agent)$/);
  });
});
