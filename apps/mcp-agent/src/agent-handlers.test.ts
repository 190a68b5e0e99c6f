import { create } from '@bufbuild/protobuf';
import { Code, createClient, createRouterTransport } from '@connectrpc/connect';
import { HealthCheckResponseSchema, McpAgentService, NodeStatusResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { assembleAgentHandlers, type HandlerGroup } from './agent-handlers.js';
import type { AgentDeps } from './deps.js';
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
    const { capabilities } = assembleAgentHandlers(deps, [health, nodeStatus]);
    expect(capabilities).toEqual(['NodeStatus', 'HealthCheck']);
  });

  it('lets NodeStatus report the capabilities', async () => {
    const { impl } = assembleAgentHandlers(deps, [health, nodeStatus]);
    const client = createClient(McpAgentService, createRouterTransport((router) => router.service(McpAgentService, impl)));
    expect((await client.nodeStatus({})).capabilities).toEqual(['NodeStatus', 'HealthCheck']);
  });

  it('refuses a method defined by two groups', () => {
    expect(() => assembleAgentHandlers(deps, [health, health])).toThrow(/healthCheck is defined by two/);
  });

  it('answers an RPC no group implements with Unimplemented, and leaves it out of the capabilities', async () => {
    const { impl, capabilities } = assembleAgentHandlers(deps, [health]);
    expect(capabilities).not.toContain('ListEdgeRoutes');
    const client = createClient(McpAgentService, createRouterTransport((router) => router.service(McpAgentService, impl)));
    const error = await failureOf(client.listEdgeRoutes({}));
    expect(error.code).toBe(Code.Unimplemented);
  });
});
