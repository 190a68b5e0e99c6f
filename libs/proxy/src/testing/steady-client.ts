// A client that keeps requesting through the proxy until stopped, counting failures: proves a change drops nothing.
import { fetchThrough } from './backends.js';

export interface SteadyClient {
  /** Stops and reports how many requests ran and which failed (with why). */
  stop(): Promise<{ requests: number; failures: string[] }>;
  /** Resolves once at least `count` requests have completed. */
  waitFor(count: number): Promise<void>;
  /** Requests completed so far. */
  requests(): number;
}

export function steadyClient(options: { address: string; port: number; hostname: string; caPem: string; expect: string }): SteadyClient {
  let running = true;
  let requests = 0;
  const failures: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const loop = (async () => {
    while (running) {
      try {
        const result = await fetchThrough(options);
        if (result.status !== 200 || !result.body.startsWith(options.expect)) failures.push(`status ${result.status}: ${result.body}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
      requests += 1;
      for (const waiter of waiters.filter((candidate) => candidate.count <= requests)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  })();
  return {
    requests: () => requests,
    waitFor: (count) => (requests >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    stop: async () => {
      running = false;
      await loop;
      return { requests, failures };
    },
  };
}
