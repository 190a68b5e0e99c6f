// Per-identity, per-method minimum intervals between calls (SPEC 9: Register 1/min, Heartbeat 1/10 s).
import type { Clock } from './clock.js';
import { masterServiceName } from './policy.js';

/** Minimum milliseconds between two accepted calls, keyed by `<service>/<method>`. */
export type RateLimits = Readonly<Record<string, number>>;

export const masterRateLimits: RateLimits = {
  [`${masterServiceName}/Register`]: 60_000,
  [`${masterServiceName}/Heartbeat`]: 10_000,
};

export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly minIntervalMs: number };

export interface RateLimitedCall {
  readonly identity: string;
  readonly service: string;
  readonly method: string;
}

export interface RateLimiter {
  /** Decides, and when allowed records the call; a refused call does not move the window. */
  check(call: RateLimitedCall): RateDecision;
}

/**
 * The pure rule: allowed when no call was accepted yet, or at least `minIntervalMs` ago. A clock
 * that stepped back (now before the last call) allows the call: a wall-clock correction must
 * not lock an agent out; pass a monotonic clock to avoid the question.
 */
export function decideRate(lastAcceptedMs: number | undefined, nowMs: number, minIntervalMs: number): RateDecision {
  if (lastAcceptedMs === undefined || nowMs < lastAcceptedMs) return { allowed: true };
  const elapsedMs = nowMs - lastAcceptedMs;
  if (elapsedMs >= minIntervalMs) return { allowed: true };
  return { allowed: false, retryAfterMs: minIntervalMs - elapsedMs, minIntervalMs };
}

export function createRateLimiter(options: { limits: RateLimits; clock: Clock }): RateLimiter {
  const { limits, clock } = options;
  const lastAccepted = new Map<string, number>();
  const longestMs = Math.max(0, ...Object.values(limits));

  function forget(nowMs: number): void {
    // Keys are authenticated identities × limited methods, so few; sweep only when it grows.
    if (lastAccepted.size < 1024) return;
    for (const [key, atMs] of lastAccepted) if (nowMs - atMs >= longestMs) lastAccepted.delete(key);
  }

  return {
    check({ identity, service, method }) {
      const rpc = `${service}/${method}`;
      const minIntervalMs = Object.hasOwn(limits, rpc) ? limits[rpc] : undefined;
      if (minIntervalMs === undefined) return { allowed: true };
      const nowMs = clock.now();
      const key = `${identity}\u0000${rpc}`;
      const decision = decideRate(lastAccepted.get(key), nowMs, minIntervalMs);
      if (decision.allowed) {
        forget(nowMs);
        lastAccepted.set(key, nowMs);
      }
      return decision;
    },
  };
}
