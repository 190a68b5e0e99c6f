import { Code } from '@connectrpc/connect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthHarness } from './auth-test-harness.js';
import { createAuthHarness } from './auth-test-harness.js';
import { createAuthGate } from './auth-gate.js';
import { authenticate } from './authenticate.js';
import { callerKey, peerKey } from './caller-context.js';
import { mcpPolicy } from './policy.js';

let harness: AuthHarness;
beforeEach(async () => {
  harness = await createAuthHarness();
});
afterEach(() => harness.cleanup());

const agentRpc = { service: 'mcp.v1.McpAgentService', method: 'HealthCheck' };
const peer = (certificateName?: string) => ({ address: '10.0.0.7', certificateName });

describe('authenticate with system certificates', () => {
  const check = (token: string, certificateName?: string, call = agentRpc) =>
    authenticate({ ...call, authorization: `Bearer ${token}`, peer: peer(certificateName) }, { validator: harness.validator, policy: mcpPolicy, peerIdentity: 'system-certificate' });

  it("admits mcp-master's token only with mcp-master's certificate", async () => {
    expect(await check(harness.tokens.master, 'mcp-master')).toMatchObject({ ok: true, identity: { name: 'mcp-master' } });
    expect(await check(harness.tokens.master)).toMatchObject({ ok: false, code: Code.Unauthenticated, reason: expect.stringMatching(/without mcp-master's client certificate/) });
    expect(await check(harness.tokens.master, 'agent-rift')).toMatchObject({ ok: false, code: Code.Unauthenticated });
  });

  it("admits an agent's token only with its own certificate", async () => {
    const register = { service: 'mcp.v1.McpMasterService', method: 'Register' };
    expect(await check(harness.tokens.agent, 'agent-rift', register)).toMatchObject({ ok: true });
    expect(await check(harness.tokens.agent, 'agent-orion', register)).toMatchObject({ ok: false, code: Code.Unauthenticated });
  });

  it('lets humans keep bearer tokens, and the policy still decides', async () => {
    expect(await check(harness.tokens.alice, undefined, { service: 'mcp.v1.McpAgentService', method: 'Deploy' })).toMatchObject({ ok: true });
    expect(await check(harness.tokens.alice)).toMatchObject({ ok: false, code: Code.PermissionDenied });
  });

  it('accepts a bearer token alone when the rule is bearer', async () => {
    const outcome = await authenticate({ ...agentRpc, authorization: `Bearer ${harness.tokens.master}`, peer: peer() }, { validator: harness.validator, policy: mcpPolicy });
    expect(outcome).toMatchObject({ ok: true });
  });
});

describe('the auth gate', () => {
  it('audits a refusal with the peer address and admits with the caller and peer in context', async () => {
    const lines: Record<string, unknown>[] = [];
    const gate = createAuthGate({ validator: harness.validator, policy: mcpPolicy, clock: harness.clock, log: { info: (fields) => lines.push(fields) }, peerIdentity: 'system-certificate' });
    const refused = await gate({ path: '/mcp.v1.McpAgentService/HealthCheck', header: new Headers(), peer: peer() });
    expect(refused).toEqual({ admit: false, code: Code.Unauthenticated, message: 'missing authorization header' });
    expect(lines).toEqual([expect.objectContaining({ audit: true, decision: 'refused', peer: '10.0.0.7', outcome: 'unauthenticated', rpc: '/mcp.v1.McpAgentService/HealthCheck' })]);
    const admitted = await gate({ path: '/mcp.v1.McpAgentService/HealthCheck', header: new Headers({ authorization: `Bearer ${harness.tokens.master}` }), peer: peer('mcp-master') });
    expect(admitted.admit).toBe(true);
    if (admitted.admit) {
      expect(admitted.contextValues.get(callerKey)?.name).toBe('mcp-master');
      expect(admitted.contextValues.get(peerKey)?.address).toBe('10.0.0.7');
    }
    expect(await gate({ path: '/not/a/grpc/path', header: new Headers(), peer: peer() })).toMatchObject({ admit: false, code: Code.Unimplemented });
  });
});
