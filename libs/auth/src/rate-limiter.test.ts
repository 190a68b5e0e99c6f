import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.js';
import { masterServiceName } from './policy.js';
import { createRateLimiter, decideRate, masterRateLimits } from './rate-limiter.js';

function fakeClock(startMs = 1_000_000): Clock & { advance(ms: number): void; set(ms: number): void } {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms) => { nowMs += ms; }, set: (ms) => { nowMs = ms; } };
}

const register = { identity: 'agent-rift', service: masterServiceName, method: 'Register' };
const heartbeat = { identity: 'agent-rift', service: masterServiceName, method: 'Heartbeat' };

describe('createRateLimiter with the master limits', () => {
  it('allows the first Register', () => {
    const limiter = createRateLimiter({ limits: masterRateLimits, clock: fakeClock() });
    expect(limiter.check(register)).toEqual({ allowed: true });
  });

  it('refuses a second Register within a minute, saying when to retry', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limits: masterRateLimits, clock });
    limiter.check(register);
    clock.advance(45_000);
    expect(limiter.check(register)).toEqual({ allowed: false, retryAfterMs: 15_000, minIntervalMs: 60_000 });
  });

  it('allows Register again a minute later', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limits: masterRateLimits, clock });
    limiter.check(register);
    clock.advance(60_000);
    expect(limiter.check(register).allowed).toBe(true);
  });

  it('allows one Heartbeat per 10 s', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limits: masterRateLimits, clock });
    limiter.check(heartbeat);
    clock.advance(9_999);
    const early = limiter.check(heartbeat).allowed;
    clock.advance(1);
    expect([early, limiter.check(heartbeat).allowed]).toEqual([false, true]);
  });

  it('counts each identity on its own', () => {
    const limiter = createRateLimiter({ limits: masterRateLimits, clock: fakeClock() });
    limiter.check(register);
    expect(limiter.check({ ...register, identity: 'agent-vade' }).allowed).toBe(true);
  });

  it('counts each method on its own', () => {
    const limiter = createRateLimiter({ limits: masterRateLimits, clock: fakeClock() });
    limiter.check(register);
    expect(limiter.check(heartbeat).allowed).toBe(true);
  });

  it('does not limit methods without a limit', () => {
    const limiter = createRateLimiter({ limits: masterRateLimits, clock: fakeClock() });
    const deploy = { identity: 'alice', service: masterServiceName, method: 'Deploy' };
    limiter.check(deploy);
    expect(limiter.check(deploy).allowed).toBe(true);
  });

  it('does not restart the interval on a refused call', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limits: masterRateLimits, clock });
    limiter.check(register);
    clock.advance(59_000);
    limiter.check(register);
    clock.advance(1_000);
    expect(limiter.check(register).allowed).toBe(true);
  });

  it('does not lock a caller out when the clock steps back', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limits: masterRateLimits, clock });
    limiter.check(register);
    clock.advance(-3_600_000);
    expect(limiter.check(register).allowed).toBe(true);
  });
});

describe('createRateLimiter with configured limits', () => {
  it('applies the interval it is given', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limits: { [`${masterServiceName}/Heartbeat`]: 30_000 }, clock });
    limiter.check(heartbeat);
    clock.advance(20_000);
    expect(limiter.check(heartbeat).allowed).toBe(false);
  });

  it('keeps limiting correctly after forgetting old callers', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limits: masterRateLimits, clock });
    for (let index = 0; index < 1100; index += 1) limiter.check({ ...register, identity: `agent-n${index}` });
    clock.advance(61_000);
    limiter.check(register);
    for (let index = 0; index < 1100; index += 1) limiter.check({ ...heartbeat, identity: `agent-m${index}` });
    expect(limiter.check(register).allowed).toBe(false);
  });
});

describe('decideRate', () => {
  it('allows a call exactly one interval after the last', () => {
    expect(decideRate(0, 10_000, 10_000)).toEqual({ allowed: true });
  });

  it('refuses a call before the interval, with the time left', () => {
    expect(decideRate(0, 4_000, 10_000)).toEqual({ allowed: false, retryAfterMs: 6_000, minIntervalMs: 10_000 });
  });
});
