import { Code, ConnectError, createClient, createContextValues, createRouterTransport } from '@connectrpc/connect';
import { McpAgentService } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { callerKey, callerOf } from './caller-context.js';

describe('callerOf', () => {
  it('reads the identity from a handler context', () => {
    const values = createContextValues().set(callerKey, { name: 'alice', account: 'human', roles: [] });
    expect(callerOf({ values }).name).toBe('alice');
  });

  it('reads the identity from an interceptor request', () => {
    const contextValues = createContextValues().set(callerKey, { name: 'mcp-master', account: 'system', roles: [] });
    expect(callerOf({ contextValues }).name).toBe('mcp-master');
  });

  it('fails a handler as Internal on a server without the auth interceptor', async () => {
    const transport = createRouterTransport((router) =>
      router.service(McpAgentService, {
        nodeStatus(_request, context) {
          callerOf(context);
          return {};
        },
      }),
    );
    const call = createClient(McpAgentService, transport).nodeStatus({});
    await expect(call).rejects.toSatisfy((error) => ConnectError.from(error).code === Code.Internal);
  });
});
