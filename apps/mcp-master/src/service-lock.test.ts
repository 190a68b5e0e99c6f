import { describe, expect, it } from 'vitest';
import { createServiceLocks, serviceLocksFor } from './service-lock.js';

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('per-service lock', () => {
  it('runs operations on one service one after the other, in order of arrival', async () => {
    const locks = createServiceLocks();
    const order: string[] = [];
    const first = gate();
    const a = locks.run('mcq', async () => {
      order.push('a starts');
      await first.promise;
      order.push('a ends');
    });
    const b = locks.run('mcq', async () => {
      order.push('b starts');
    });
    const c = locks.run('mcq', async () => {
      order.push('c starts');
    });
    await Promise.resolve();
    expect(locks.pending('mcq')).toBe(3);
    first.open();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a starts', 'a ends', 'b starts', 'c starts']);
  });

  it('runs operations on different services at the same time', async () => {
    const locks = createServiceLocks();
    const bStarted = gate();
    // a can only finish once b has started: if b waited for a, this would never settle.
    const a = locks.run('mcq', async () => {
      await bStarted.promise;
      return 'a';
    });
    const b = locks.run('metacrypt', async () => {
      bStarted.open();
      return 'b';
    });
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
  });

  it('lets the next operation run after one that failed', async () => {
    const locks = createServiceLocks();
    const failed = locks.run('mcq', () => Promise.reject(new Error('agent refused')));
    const next = locks.run('mcq', () => Promise.resolve('ran'));
    await expect(failed).rejects.toThrow('agent refused');
    expect(await next).toBe('ran');
  });

  it('forgets a service once its last operation has settled', async () => {
    const locks = createServiceLocks();
    await locks.run('mcq', () => Promise.resolve());
    await Promise.resolve();
    expect(locks.pending('mcq')).toBe(0);
  });

  it('shares one lock table between callers acting on the same store', async () => {
    const store = {};
    const order: string[] = [];
    const first = gate();
    const a = serviceLocksFor(store).run('mcq', async () => {
      await first.promise;
      order.push('a');
    });
    const b = serviceLocksFor(store).run('mcq', async () => {
      order.push('b');
    });
    expect(serviceLocksFor(store).pending('mcq')).toBe(2);
    expect(serviceLocksFor({}).pending('mcq')).toBe(0);
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
  });
});
