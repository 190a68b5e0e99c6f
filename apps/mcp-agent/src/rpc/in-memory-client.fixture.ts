// Test fixture: a client of handler groups over Connect's in-memory transport, errors mapped as the server maps them.
import { createClient, createRouterTransport, type Client } from '@connectrpc/connect';
import { McpAgentService } from '@mcp/proto';
import { createErrorInterceptor } from '@mcp/rpc';
import { assembleAgentHandlers, type HandlerGroup } from '../agent-handlers.js';
import { classifyAgentError } from '../classify-error.js';
import type { AgentDeps } from '../deps.js';

export type AgentClient = Client<typeof McpAgentService>;

/** The groups assembled as the agent assembles them (capabilities included), behind the real error interceptor. */
export function inMemoryClient(deps: AgentDeps, groups: readonly HandlerGroup[]): AgentClient {
  const { impl } = assembleAgentHandlers(deps, groups);
  const transport = createRouterTransport((router) => router.service(McpAgentService, impl), {
    router: { interceptors: [createErrorInterceptor({ classify: classifyAgentError, log: deps.log })] },
  });
  return createClient(McpAgentService, transport);
}

export { connectFailureOf as failureOf } from '@mcp/testing';
