// The master server's interceptors, outermost first: auth + audit, rate limits, input caps, error mapping.
import type { Interceptor } from '@connectrpc/connect';
import { createRateLimitInterceptor, createRateLimiter, masterServiceName } from '@mcp/auth';
import { createCapsInterceptor, createErrorInterceptor } from '@mcp/rpc';
import { classifyMasterError } from './classify-error.js';
import type { MasterLog } from './deps.js';

export interface MasterInterceptorOptions {
  /** The auth interceptor (createCallSecurity's): audits every admitted call's outcome. */
  readonly audited: Interceptor;
  readonly log: MasterLog;
  /** Minimum intervals per identity, in ms (SPEC §9: Register 1/min, Heartbeat 1/10 s). */
  readonly rateLimits: { readonly registerMs: number; readonly heartbeatMs: number };
  /** Monotonic clock for rate limits (a stepped wall clock must not lock agents out). */
  readonly clocks: { readonly monotonicMs: () => number };
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
    options.audited,
    createRateLimitInterceptor({ limiter }),
    createCapsInterceptor(),
    createErrorInterceptor({ classify: classifyMasterError, log: options.log }),
  ];
}
