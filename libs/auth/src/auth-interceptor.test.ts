import { Code, ConnectError } from '@connectrpc/connect';
import type { ConnectRouter } from '@connectrpc/connect';
import { McpAgentService, McpMasterService } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthHarness } from './auth-test-harness.js';
import { bearer, createAuthHarness, eventually } from './auth-test-harness.js';
import { callerOf } from './caller-context.js';
import type { Identity } from './identity.js';

let harness: AuthHarness;
let seen: Identity[];

beforeEach(async () => {
  harness = await createAuthHarness();
  seen = [];
});

afterEach(async () => {
  await harness.cleanup();
});

function routes(router: ConnectRouter): void {
  router.service(McpAgentService, {
    deploy(_request, context) {
      seen.push(callerOf(context));
      harness.clock.advance(250);
      return {};
    },
    stopService(request) {
      throw new ConnectError(`service "${request.service}" not found on rift`, Code.NotFound);
    },
    async *logs(request, context) {
      seen.push(callerOf(context));
      for (const text of ['one', 'two']) yield { lines: [{ component: request.component, line: new TextEncoder().encode(text) }] };
    },
    async importServiceData(requests, context) {
      seen.push(callerOf(context));
      let archiveBytes = 0n;
      for await (const request of requests) archiveBytes += BigInt(request.data.length);
      return { archiveBytes };
    },
  });
  router.service(McpMasterService, {
    heartbeat: () => ({ acknowledged: true }),
  });
}

async function codeOf(call: Promise<unknown>): Promise<Code> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error).code;
  }
  throw new Error('expected the call to fail');
}

async function* chunks(...sizes: number[]) {
  for (const size of sizes) yield { service: 'mcq', data: new Uint8Array(size) };
}

describe('authentication', () => {
  it('refuses a call without a token as Unauthenticated', async () => {
    const { agent } = harness.serve(routes);
    expect(await codeOf(agent.deploy({}))).toBe(Code.Unauthenticated);
  });

  it('refuses a token that is not in the token file as Unauthenticated', async () => {
    const { agent } = harness.serve(routes);
    expect(await codeOf(agent.deploy({}, bearer('mcp_not-a-real-token')))).toBe(Code.Unauthenticated);
  });

  it('refuses a non-Bearer authorization header as Unauthenticated', async () => {
    const { agent } = harness.serve(routes);
    expect(await codeOf(agent.deploy({}, { headers: { authorization: `Basic ${harness.tokens.alice}` } }))).toBe(Code.Unauthenticated);
  });

  it('answers Unavailable when the validator fails', async () => {
    const { agent } = harness.serve(routes, { validator: { validate: () => Promise.reject(new Error('token file is gone')) } });
    expect(await codeOf(agent.deploy({}, bearer(harness.tokens.alice)))).toBe(Code.Unavailable);
  });
});

describe('authorization', () => {
  it('refuses an agent identity calling Deploy on an agent as PermissionDenied', async () => {
    const { agent } = harness.serve(routes);
    expect(await codeOf(agent.deploy({}, bearer(harness.tokens.agent)))).toBe(Code.PermissionDenied);
  });

  it('does not run the handler of a refused call', async () => {
    const { agent } = harness.serve(routes);
    await codeOf(agent.deploy({}, bearer(harness.tokens.guest)));
    expect(seen).toEqual([]);
  });

  it('hands the caller identity to the handler', async () => {
    const { agent } = harness.serve(routes);
    await agent.deploy({}, bearer(harness.tokens.alice));
    expect(seen).toEqual([{ name: 'alice', account: 'human', roles: ['admin'] }]);
  });

  it('lets the master call a client-streaming master-only RPC', async () => {
    const { agent } = harness.serve(routes);
    const response = await agent.importServiceData(chunks(3, 4), bearer(harness.tokens.master));
    expect(response.archiveBytes).toBe(7n);
  });

  it('refuses a human calling a client-streaming master-only RPC', async () => {
    const { agent } = harness.serve(routes);
    expect(await codeOf(agent.importServiceData(chunks(3), bearer(harness.tokens.alice)))).toBe(Code.PermissionDenied);
  });

  it('lets a human follow a server stream with the identity set', async () => {
    const { agent } = harness.serve(routes);
    const lines: string[] = [];
    for await (const response of agent.logs({ component: 'api' }, bearer(harness.tokens.alice))) {
      lines.push(...response.lines.map((line) => new TextDecoder().decode(line.line)));
    }
    expect({ lines, callers: seen.map((identity) => identity.name) }).toEqual({ lines: ['one', 'two'], callers: ['alice'] });
  });

  it('refuses a server stream to a caller of the wrong class', async () => {
    const { agent } = harness.serve(routes);
    const consume = async () => {
      for await (const response of agent.logs({}, bearer(harness.tokens.agent))) expect(response).toBeUndefined();
    };
    expect(await codeOf(consume())).toBe(Code.PermissionDenied);
  });
});

describe('audit', () => {
  it('records a call without a token as refused, with no caller', async () => {
    const { agent } = harness.serve(routes);
    await codeOf(agent.deploy({}));
    expect(harness.auditRecords()).toMatchObject([
      { level: 30, rpc: '/mcp.v1.McpAgentService/Deploy', caller: null, decision: 'refused', outcome: 'unauthenticated', reason: 'missing authorization header' },
    ]);
  });

  it('records a denied call with the caller and the reason', async () => {
    const { agent } = harness.serve(routes);
    await codeOf(agent.deploy({}, bearer(harness.tokens.agent)));
    expect(harness.auditRecords()).toMatchObject([
      {
        rpc: '/mcp.v1.McpAgentService/Deploy',
        caller: 'agent-rift',
        account: 'system',
        decision: 'refused',
        outcome: 'permission_denied',
        reason: "agent identities may call only the master's Register and Heartbeat",
      },
    ]);
  });

  it('records an accepted call with its outcome, start time and duration', async () => {
    const { agent } = harness.serve(routes);
    await agent.deploy({}, bearer(harness.tokens.alice));
    expect(harness.auditRecords()).toMatchObject([
      { level: 30, caller: 'alice', decision: 'accepted', outcome: 'ok', startedAt: '2025-01-31T12:00:00.000Z', durationMs: 250 },
    ]);
  });

  it('records the error code of an accepted call that fails', async () => {
    const { agent } = harness.serve(routes);
    await codeOf(agent.stopService({ service: 'mcq' }, bearer(harness.tokens.alice)));
    expect(harness.auditRecords()).toMatchObject([{ caller: 'alice', decision: 'accepted', outcome: 'not_found' }]);
  });

  it('records a server stream once it has ended', async () => {
    const { agent } = harness.serve(routes);
    for await (const response of agent.logs({}, bearer(harness.tokens.alice))) expect(response.lines).toHaveLength(1);
    await eventually(() => harness.auditRecords().length > 0, 'the audit line of the stream');
    expect(harness.auditRecords()).toMatchObject([{ rpc: '/mcp.v1.McpAgentService/Logs', caller: 'alice', outcome: 'ok' }]);
  });

  it('records a server stream the client left early as canceled', async () => {
    const { agent } = harness.serve(routes);
    const controller = new AbortController();
    const follow = async () => {
      for await (const response of agent.logs({}, { ...bearer(harness.tokens.alice), signal: controller.signal })) {
        expect(response.lines).toHaveLength(1);
        controller.abort();
      }
    };
    expect(await codeOf(follow())).toBe(Code.Canceled);
    await eventually(() => harness.auditRecords().length > 0, 'the audit line of the stream');
    expect(harness.auditRecords()).toMatchObject([{ rpc: '/mcp.v1.McpAgentService/Logs', decision: 'accepted', outcome: 'canceled' }]);
  });

  it('records a client stream with its outcome', async () => {
    const { agent } = harness.serve(routes);
    await agent.importServiceData(chunks(1), bearer(harness.tokens.master));
    expect(harness.auditRecords()).toMatchObject([{ rpc: '/mcp.v1.McpAgentService/ImportServiceData', caller: 'mcp-master', outcome: 'ok' }]);
  });

  it('records why validation failed without the token', async () => {
    const token = harness.tokens.alice;
    const { agent } = harness.serve(routes, { validator: { validate: (t) => Promise.reject(new Error(`lookup of ${t} failed`)) } });
    await codeOf(agent.deploy({}, bearer(token)));
    expect(harness.auditRecords()).toMatchObject([{ decision: 'refused', outcome: 'unavailable', reason: 'token validation failed: lookup of [token] failed' }]);
  });

  it('never writes a token or the authorization header to the log', async () => {
    const { agent, master } = harness.serve(routes);
    const { alice, agent: agentToken, master: masterToken, guest } = harness.tokens;
    await agent.deploy({}, bearer(alice));
    await codeOf(agent.deploy({}, bearer(agentToken)));
    await codeOf(agent.deploy({}, bearer(guest)));
    await codeOf(agent.deploy({}, { headers: { authorization: `Basic ${alice}` } }));
    await codeOf(master.deploy({}, bearer(masterToken)));
    await master.heartbeat({}, bearer(agentToken));
    await codeOf(agent.stopService({}, bearer(alice)));
    const log = harness.output.join('');
    expect(harness.auditRecords()).toHaveLength(7);
    for (const token of [alice, agentToken, masterToken, guest]) expect(log).not.toContain(token);
    expect(log).not.toMatch(/"(authorization|headers?)":/i);
  });
});
