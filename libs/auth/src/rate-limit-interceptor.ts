// Connect server interceptor refusing calls over the rate limit with ResourceExhausted.
import type { Interceptor } from '@connectrpc/connect';
import { Code, ConnectError } from '@connectrpc/connect';
import { callerOf } from './caller-context.js';
import type { RateLimiter } from './rate-limiter.js';

/** Goes after the auth interceptor (it limits per authenticated identity). */
export function createRateLimitInterceptor(options: { limiter: RateLimiter }): Interceptor {
  const { limiter } = options;
  return (next) => async (request) => {
    const caller = callerOf(request);
    const method = request.method.name;
    const decision = limiter.check({ identity: caller.name, service: request.service.typeName, method });
    if (!decision.allowed) {
      throw new ConnectError(
        `${method} is limited to one call every ${formatSeconds(decision.minIntervalMs)} per caller; retry in ${formatSeconds(decision.retryAfterMs)}`,
        Code.ResourceExhausted,
      );
    }
    return next(request);
  };
}

function formatSeconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}
