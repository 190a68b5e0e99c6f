// An IntervalTimer whose ticks a test fires by hand: it remembers the period it was asked for and whether it was cancelled.
import type { IntervalTimer } from '../health-monitor.js';

export interface ManualTimer extends IntervalTimer {
  /** Runs the registered tick now (nothing once cancelled). */
  fire(): void;
  readonly periodMs: number | undefined;
  readonly cancelled: boolean;
}

export function manualTimer(): ManualTimer {
  let tick: (() => void) | undefined;
  let periodMs: number | undefined;
  let cancelled = false;
  return {
    every(period, run) {
      periodMs = period;
      tick = run;
      return {
        cancel: () => {
          cancelled = true;
          tick = undefined;
        },
      };
    },
    fire: () => tick?.(),
    get periodMs() {
      return periodMs;
    },
    get cancelled() {
      return cancelled;
    },
  };
}
