import { create } from '@bufbuild/protobuf';
import { Code, createClient, createRouterTransport } from '@connectrpc/connect';
import {
  ComponentSpecSchema,
  DeployResponseSchema,
  McpAgentService,
  PushFileStreamRequestSchema,
  PushFileStreamResponseSchema,
  ServiceSpecSchema,
  type PushFileStreamRequest,
} from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { createCapsInterceptor } from './caps-interceptor.js';
import { connectFailureOf as failureOf } from '@mcp/testing';


/** An agent whose Deploy and PushFileStream record what reached them. */
function agent() {
  const reached: string[] = [];
  const transport = createRouterTransport(
    (router) =>
      router.service(McpAgentService, {
        deploy(request) {
          reached.push(`Deploy ${request.service?.name ?? ''}`);
          return create(DeployResponseSchema, { success: true });
        },
        async pushFileStream(requests) {
          for await (const request of requests) reached.push(`frame ${request.frame.case ?? ''}`);
          return create(PushFileStreamResponseSchema, {});
        },
      }),
    { router: { interceptors: [createCapsInterceptor()] } },
  );
  return { client: createClient(McpAgentService, transport), reached };
}

const spec = (ports: string[]) =>
  create(ServiceSpecSchema, { name: 'web', components: [create(ComponentSpecSchema, { name: 'app', image: 'localhost/web:1', ports })] });

describe('createCapsInterceptor', () => {
  it('refuses a 40,000-port Deploy before the handler, naming the field and the cap', async () => {
    const { client, reached } = agent();
    const ports = Array.from({ length: 40_000 }, (_, i) => `127.0.0.1:${(i % 65535) + 1}:80`);
    const error = await failureOf(client.deploy({ service: spec(ports) }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe('service.components[0].ports: 40000 entries; expected at most 1024 (the cap on mcp.v1.ComponentSpec.ports)');
    expect(reached).toEqual([]);
  });

  it('lets a request within the caps through', async () => {
    const { client, reached } = agent();
    expect((await client.deploy({ service: spec(['127.0.0.1:8080:80']) })).success).toBe(true);
    expect(reached).toEqual(['Deploy web']);
  });

  it('checks each message of a client stream as it arrives', async () => {
    const { client, reached } = agent();
    async function* frames(): AsyncIterable<PushFileStreamRequest> {
      yield create(PushFileStreamRequestSchema, { frame: { case: 'header', value: { service: 'web', path: 'ok.txt' } } });
      yield create(PushFileStreamRequestSchema, { frame: { case: 'header', value: { service: 'web', path: 'x'.repeat(5000) } } });
    }
    const error = await failureOf(client.pushFileStream(frames()));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe('header.path: 5000 characters; expected at most 4096 (the cap on mcp.v1.FileHeader.path)');
    expect(reached).toEqual(['frame header']);
  });
});
