// Test bed for the master's RPCs as callers see them: a real token file, the master's real interceptors
// (auth, rate limits, error mapping) and a Connect router transport in memory, over any MasterDeps.
import { createClient, createRouterTransport, type Client, type Interceptor } from '@connectrpc/connect';
import { createAuthInterceptor, createTokenFileValidator, mcpPolicy } from '@mcp/auth';
import { mintFleetTokens } from '@mcp/dev-fleet';
import { McpMasterService } from '@mcp/proto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MasterDeps } from '../deps.js';
import { assembleMasterHandlers, type HandlerGroup } from '../master-handlers.js';
import { masterInterceptors } from '../master-interceptors.js';
import { deferredRpcs } from '../rpc/deferred-rpcs.js';

export type MasterClient = Client<typeof McpMasterService>;

export interface MasterRpcBed {
  /** A client calling as `operator` (human), `mcp-master`, or `agent-<node>` for a node given at start. */
  as(identity: 'operator' | 'mcp-master' | `agent-${string}`): MasterClient;
  /** Moves the rate limiter's clock. */
  advanceMs(ms: number): void;
  close(): Promise<void>;
}

export interface MasterRpcBedOptions {
  readonly deps: MasterDeps;
  readonly groups: readonly HandlerGroup[];
  /** Nodes that get an agent-<node> token. */
  readonly nodes: readonly string[];
  readonly rateLimits?: { readonly registerMs: number; readonly heartbeatMs: number };
}

function bearer(token: string): Interceptor {
  return (next) => (request) => {
    request.header.set('authorization', `Bearer ${token}`);
    return next(request);
  };
}

export async function startMasterRpcBed(options: MasterRpcBedOptions): Promise<MasterRpcBed> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-master-rpc-'));
  const tokenFile = join(dir, 'tokens.toml');
  const tokens = await mintFleetTokens({ tokenFile, operator: 'operator', nodes: options.nodes });
  const validator = await createTokenFileValidator({ path: tokenFile });
  let monotonicMs = 1_000_000;
  const { impl } = assembleMasterHandlers(options.deps, options.groups, deferredRpcs);
  const interceptors = masterInterceptors({
    audited: createAuthInterceptor({ validator, policy: mcpPolicy, log: options.deps.log.child({ component: 'audit' }), clock: { now: () => options.deps.clock.now().getTime() } }),
    log: options.deps.log,
    rateLimits: options.rateLimits ?? { registerMs: 60_000, heartbeatMs: 10_000 },
    clocks: { monotonicMs: () => monotonicMs },
  });
  const tokenOf = (identity: string): string => {
    if (identity === 'operator') return tokens.operator;
    if (identity === 'mcp-master') return tokens.master;
    const token = tokens.agents[identity.replace(/^agent-/, '')];
    if (token === undefined) throw new Error(`no token minted for ${identity}`);
    return token;
  };
  return {
    as(identity) {
      const transport = createRouterTransport((router) => router.service(McpMasterService, impl), {
        router: { interceptors },
        transport: { interceptors: [bearer(tokenOf(identity))] },
      });
      return createClient(McpMasterService, transport);
    },
    advanceMs(ms) {
      monotonicMs += ms;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

export { connectFailureOf } from '@mcp/testing';
