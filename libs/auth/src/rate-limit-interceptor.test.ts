import type { ConnectRouter } from '@connectrpc/connect';
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import { McpMasterService } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthHarness } from './auth-test-harness.js';
import { bearer, createAuthHarness } from './auth-test-harness.js';
import { createRateLimitInterceptor } from './rate-limit-interceptor.js';
import { createRateLimiter, masterRateLimits } from './rate-limiter.js';

let harness: AuthHarness;

beforeEach(async () => {
  harness = await createAuthHarness();
});

afterEach(async () => {
  await harness.cleanup();
});

function routes(router: ConnectRouter): void {
  router.service(McpMasterService, {
    heartbeat: () => ({ acknowledged: true }),
    register: () => ({ accepted: true }),
  });
}

function serveLimited() {
  const limiter = createRateLimiter({ limits: masterRateLimits, clock: harness.clock });
  return harness.serve(routes, { inner: [createRateLimitInterceptor({ limiter })] });
}

async function errorOf(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

describe('createRateLimitInterceptor', () => {
  it('refuses a second Heartbeat within 10 s as ResourceExhausted', async () => {
    const { master } = serveLimited();
    await master.heartbeat({}, bearer(harness.tokens.agent));
    harness.clock.advance(4_000);
    const error = await errorOf(master.heartbeat({}, bearer(harness.tokens.agent)));
    expect({ code: error.code, message: error.rawMessage }).toEqual({
      code: Code.ResourceExhausted,
      message: 'Heartbeat is limited to one call every 10 s per caller; retry in 6 s',
    });
  });

  it('accepts the next Heartbeat once 10 s have passed', async () => {
    const { master } = serveLimited();
    await master.heartbeat({}, bearer(harness.tokens.agent));
    harness.clock.advance(10_000);
    expect((await master.heartbeat({}, bearer(harness.tokens.agent))).acknowledged).toBe(true);
  });

  it('refuses a second Register within a minute', async () => {
    const { master } = serveLimited();
    await master.register({ name: 'rift' }, bearer(harness.tokens.agent));
    harness.clock.advance(30_000);
    expect((await errorOf(master.register({ name: 'rift' }, bearer(harness.tokens.agent)))).code).toBe(Code.ResourceExhausted);
  });

  it('audits a rate-limited call with its outcome', async () => {
    const { master } = serveLimited();
    await master.heartbeat({}, bearer(harness.tokens.agent));
    await errorOf(master.heartbeat({}, bearer(harness.tokens.agent)));
    expect(harness.auditRecords().map((record) => record.outcome)).toEqual(['ok', 'resource_exhausted']);
  });

  it('answers Internal when installed without the auth interceptor', async () => {
    const limiter = createRateLimiter({ limits: masterRateLimits, clock: harness.clock });
    const transport = createRouterTransport(routes, { router: { interceptors: [createRateLimitInterceptor({ limiter })] } });
    const master = createClient(McpMasterService, transport);
    expect((await errorOf(master.heartbeat({}))).code).toBe(Code.Internal);
  });
});
