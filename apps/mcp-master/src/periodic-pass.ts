// A pass run every period (health checks, DNS repair): never two at once, and stop() waits for the one in progress.
import type { IntervalTimer } from './health-monitor.js';

export interface PeriodicPass {
  /** Runs the pass every period from now on; a pass still running when the next is due is not doubled. */
  start(): void;
  /** Stops the schedule and waits for a pass in progress, so what it uses can be closed after it. */
  stop(): Promise<void>;
}

export function periodicPass(options: {
  readonly timer: IntervalTimer;
  readonly periodMs: number;
  readonly pass: () => Promise<unknown>;
  /** A pass that throws: logged by the owner; the schedule goes on. */
  readonly onError: (error: unknown) => void;
  /** Also run one pass at start(), not only after the first period. Default false. */
  readonly runAtStart?: boolean;
}): PeriodicPass {
  let timer: { cancel(): void } | undefined;
  let running: Promise<unknown> | undefined;
  const tick = (): void => {
    if (running !== undefined) return;
    running = options
      .pass()
      .catch(options.onError)
      .finally(() => {
        running = undefined;
      });
  };
  return {
    start() {
      if (timer !== undefined) return;
      timer = options.timer.every(options.periodMs, tick);
      if (options.runAtStart === true) tick();
    },
    async stop() {
      timer?.cancel();
      timer = undefined;
      await running;
    },
  };
}
