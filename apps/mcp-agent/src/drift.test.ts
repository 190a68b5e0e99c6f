import { describe, expect, it } from 'vitest';
import { DEFAULT_FLAPPING, describeDrift, isDrift } from './drift.js';

const at = (seconds: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, seconds));

describe('isDrift', () => {
  it('is drift when a component that should run does not', () => {
    expect(isDrift('running', 'exited')).toBe(true);
    expect(isDrift('running', 'missing')).toBe(true);
    expect(isDrift('running', 'paused')).toBe(true);
  });

  it('is drift when a component that should be stopped runs', () => {
    expect(isDrift('stopped', 'running')).toBe(true);
  });

  it('is no drift when desired and observed agree, a stopped component being allowed to be gone', () => {
    expect(isDrift('running', 'running')).toBe(false);
    expect(isDrift('stopped', 'exited')).toBe(false);
    expect(isDrift('stopped', 'missing')).toBe(false);
  });

  it('is no drift for a component never observed', () => {
    expect(isDrift('running', 'unknown')).toBe(false);
  });
});

describe('describeDrift', () => {
  const base = { desired: 'running', observed: 'missing', now: at(600), policy: DEFAULT_FLAPPING };

  it('dates the drift from when the component last left a state that agreed', () => {
    const transitions = [
      { time: at(300), toState: 'missing' },
      { time: at(200), toState: 'exited' },
      { time: at(100), toState: 'running' },
    ];
    expect(describeDrift({ ...base, transitions }).since).toEqual(at(200));
  });

  it('falls back to the observation time when no transition tells', () => {
    expect(describeDrift({ ...base, transitions: [], observedAt: at(50) }).since).toEqual(at(50));
  });

  it('counts only transitions inside the window and flaps above the threshold', () => {
    const policy = { windowMs: 60_000, maxTransitions: 2 };
    const inside = [at(590), at(580), at(570)].map((time) => ({ time, toState: 'exited' }));
    const outside = { time: at(100), toState: 'running' };
    expect(describeDrift({ ...base, policy, transitions: [...inside, outside] })).toMatchObject({ transitions: 3, flapping: true });
    expect(describeDrift({ ...base, policy, transitions: [...inside.slice(1), outside] })).toMatchObject({
      transitions: 2,
      flapping: false,
    });
  });
});
