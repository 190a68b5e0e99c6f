// Test harness (not exported): a real token file with one token per caller class, a captured pino
// log, a fake clock, and a Connect router transport serving both MCP services behind the interceptors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, ConnectRouter, Interceptor, Transport } from '@connectrpc/connect';
import { createClient, createRouterTransport } from '@connectrpc/connect';
import { McpAgentService, McpMasterService } from '@mcp/proto';
import { pino } from 'pino';
import type { AuditRecord } from './audit.js';
import { auditMessage } from './audit.js';
import { createAuthInterceptor } from './auth-interceptor.js';
import type { Clock } from './clock.js';
import type { TokenValidator } from './identity.js';
import { mcpPolicy } from './policy.js';
import { addTokenToFile } from './token-file-store.js';
import { createTokenFileValidator } from './token-file-validator.js';

export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export function createFakeClock(startMs = Date.UTC(2025, 0, 31, 12)): FakeClock {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms) => { nowMs += ms; } };
}

export interface AuthHarness {
  readonly tokens: { readonly alice: string; readonly agent: string; readonly master: string; readonly guest: string };
  readonly validator: TokenValidator;
  readonly clock: FakeClock;
  /** Every line the logger wrote, raw, as it would reach a log file. */
  readonly output: string[];
  auditRecords(): (AuditRecord & { msg: string; level: number })[];
  /** Serves the routes behind the auth interceptor followed by `inner`; returns typed clients. */
  serve(routes: (router: ConnectRouter) => void, options?: { inner?: Interceptor[]; validator?: TokenValidator }): Clients;
  cleanup(): Promise<void>;
}

export interface Clients {
  readonly transport: Transport;
  readonly agent: Client<typeof McpAgentService>;
  readonly master: Client<typeof McpMasterService>;
}

export async function createAuthHarness(): Promise<AuthHarness> {
  const directory = await mkdtemp(join(tmpdir(), 'mcp-auth-'));
  const path = join(directory, 'tokens.toml');
  const tokens = {
    alice: await addTokenToFile(path, { name: 'alice', account: 'human', roles: ['admin'] }),
    agent: await addTokenToFile(path, { name: 'agent-rift', account: 'system', roles: [] }),
    master: await addTokenToFile(path, { name: 'mcp-master', account: 'system', roles: [] }),
    guest: await addTokenToFile(path, { name: 'visitor', account: 'human', roles: ['guest'] }),
  };
  const validator = await createTokenFileValidator({ path });
  const clock = createFakeClock();
  const output: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => { output.push(line); } });

  return {
    tokens,
    validator,
    clock,
    output,
    auditRecords: () =>
      output.map((line) => JSON.parse(line) as AuditRecord & { msg: string; level: number }).filter((record) => record.msg === auditMessage),
    serve(routes, options = {}) {
      const auth = createAuthInterceptor({ validator: options.validator ?? validator, policy: mcpPolicy, log, clock });
      const transport = createRouterTransport(routes, { router: { interceptors: [auth, ...(options.inner ?? [])] } });
      return { transport, agent: createClient(McpAgentService, transport), master: createClient(McpMasterService, transport) };
    },
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
}

export function bearer(token: string): { headers: { authorization: string } } {
  return { headers: { authorization: `Bearer ${token}` } };
}

/** Polls until the predicate holds; for effects that land after the client has its answer. */
export async function eventually(predicate: () => boolean, what: string, deadlineMs = 5_000): Promise<void> {
  const giveUpAt = Date.now() + deadlineMs;
  while (!predicate()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
