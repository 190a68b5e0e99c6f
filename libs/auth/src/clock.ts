// The one way this lib reads time, so tests can drive it.

export interface Clock {
  /** Milliseconds; epoch time for audit timestamps, any monotonic origin is fine for rate limits. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
