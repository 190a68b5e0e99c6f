import { describe, expect, it } from 'vitest';
import { periodicPass } from './periodic-pass.js';
import { manualTimer } from './testing/manual-timer.js';

describe('periodicPass', () => {
  it('never runs two passes at once, and stop waits for the one running', async () => {
    const timer = manualTimer();
    let release: () => void = () => undefined;
    let passes = 0;
    let finished = false;
    const schedule = periodicPass({
      timer,
      periodMs: 10,
      pass: async () => {
        passes += 1;
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
      onError: () => undefined,
    });
    schedule.start();
    timer.fire();
    timer.fire();
    expect(passes).toBe(1);
    const stopped = schedule.stop();
    release();
    await stopped;
    expect(finished).toBe(true);
    timer.fire();
    expect(passes).toBe(1);
  });

  it('runs a pass at start when asked, and hands a failure to onError', async () => {
    const errors: unknown[] = [];
    const schedule = periodicPass({ timer: manualTimer(), periodMs: 10, runAtStart: true, pass: () => Promise.reject(new Error('boom')), onError: (error) => errors.push(error) });
    schedule.start();
    await schedule.stop();
    expect(errors).toEqual([new Error('boom')]);
  });
});
