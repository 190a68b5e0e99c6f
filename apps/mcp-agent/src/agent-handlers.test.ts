import { create } from '@bufbuild/protobuf';
import { Code, createClient, createRouterTransport } from '@connectrpc/connect';
import { HealthCheckResponseSchema, McpAgentService, NodeStatusResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { assembleAgentHandlers, type HandlerGroup } from './agent-handlers.js';
import type { AgentDeps } from './deps.js';
import { deferredRpcs } from './rpc/deferred-rpcs.js';
import { failureOf } from './rpc/in-memory-client.fixture.js';

// Assembly never touches its deps; the groups below ignore them.
const deps = {} as AgentDeps;

const health: HandlerGroup = () => ({
  healthCheck: () => create(HealthCheckResponseSchema, { status: 'healthy' }),
});
const nodeStatus: HandlerGroup = (_deps, context) => ({
  nodeStatus: () => create(NodeStatusResponseSchema, { capabilities: [...context.capabilities()] }),
});


describe('agent handler assembly', () => {
  it('lists exactly the implemented RPCs as capabilities, by their proto names', () => {
    const { capabilities } = assembleAgentHandlers(deps, [health, nodeStatus], deferredRpcs);
    expect(capabilities).toEqual(['NodeStatus', 'HealthCheck']);
  });

  it('lets NodeStatus report the capabilities', async () => {
    const { impl } = assembleAgentHandlers(deps, [health, nodeStatus], deferredRpcs);
    const client = createClient(McpAgentService, createRouterTransport((router) => router.service(McpAgentService, impl)));
    expect((await client.nodeStatus({})).capabilities).toEqual(['NodeStatus', 'HealthCheck']);
  });

  it('refuses a method defined by two groups', () => {
    expect(() => assembleAgentHandlers(deps, [health, health], deferredRpcs)).toThrow(/healthCheck is defined by two/);
  });

  it('answers a deferred RPC with Unimplemented naming the missing feature', async () => {
    const { impl } = assembleAgentHandlers(deps, [health], deferredRpcs);
    const client = createClient(McpAgentService, createRouterTransport((router) => router.service(McpAgentService, impl)));
    const error = await failureOf(client.listEdgeRoutes({}));
    expect(error.code).toBe(Code.Unimplemented);
    expect(error.rawMessage).toBe('ListEdgeRoutes: this agent version has no edge routing yet; check NodeStatus capabilities before calling it');
  });
});
