// The master server's interceptors, outermost first: auth + audit, rate limits, input caps, error mapping.
import type { Interceptor } from '@connectrpc/connect';
import {
  createAuthInterceptor,
  createRateLimitInterceptor,
  createRateLimiter,
  masterServiceName,
  mcpPolicy,
  type TokenValidator,
} from '@mcp/auth';
import { createCapsInterceptor, createErrorInterceptor } from '@mcp/rpc';
import { classifyMasterError } from './classify-error.js';
import type { MasterLog } from './deps.js';

export interface MasterInterceptorOptions {
  readonly validator: TokenValidator;
  readonly log: MasterLog;
  /** Minimum intervals per identity, in ms (SPEC §9: Register 1/min, Heartbeat 1/10 s). */
  readonly rateLimits: { readonly registerMs: number; readonly heartbeatMs: number };
  /** Wall clock for audit times; monotonic clock for rate limits (a stepped wall clock must not lock agents out). */
  readonly clocks: { readonly wallMs: () => number; readonly monotonicMs: () => number };
}

/** Auth first, so its audit line records the code the client finally gets. */
export function masterInterceptors(options: MasterInterceptorOptions): Interceptor[] {
  const limiter = createRateLimiter({
    limits: {
      [`${masterServiceName}/Register`]: options.rateLimits.registerMs,
      [`${masterServiceName}/Heartbeat`]: options.rateLimits.heartbeatMs,
    },
    clock: { now: options.clocks.monotonicMs },
  });
  return [
    createAuthInterceptor({ validator: options.validator, policy: mcpPolicy, log: options.log.child({ component: 'audit' }), clock: { now: options.clocks.wallMs } }),
    createRateLimitInterceptor({ limiter }),
    createCapsInterceptor(),
    createErrorInterceptor({ classify: classifyMasterError, log: options.log }),
  ];
}
