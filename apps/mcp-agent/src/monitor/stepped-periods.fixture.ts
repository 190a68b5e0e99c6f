// The monitor's sleep between sweeps, stepped by the test: the loop's sleep waits until the test lets one period
// pass, so "within the sweep period" is "by the end of the next sweep", and no test waits on the clock for a sweep.
import { setTimeout as delay } from 'node:timers/promises';
import type { Sleep } from './event-watch.js';

/** A sweep interval no other sleep of the monitor uses: those sleeps run for real. */
export const PERIOD_MS = 86_400_000;

/** The monitor's sleep between sweeps, released by the test one period at a time. */
export function steppedPeriods() {
  let completed = 0;
  let wake: (() => void) | undefined;
  const waiters: { count: number; resolve: () => void }[] = [];
  const sweepsDone = (count: number): Promise<void> =>
    completed >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
  const sleep: Sleep = (ms, signal) => {
    if (ms !== PERIOD_MS) return delay(ms, undefined, { signal }).catch(() => undefined);
    completed += 1;
    for (const waiter of waiters.filter((candidate) => candidate.count <= completed)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return new Promise((resolve) => {
      wake = resolve;
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  };
  return {
    sleep,
    /** Resolves once the first sweep (at start) is done. */
    first: () => sweepsDone(1),
    /** Lets one period pass; resolves when the sweep that follows it is done. */
    async next(): Promise<void> {
      const target = completed + 1;
      const release = wake;
      wake = undefined;
      release?.();
      await sweepsDone(target);
    },
  };
}
