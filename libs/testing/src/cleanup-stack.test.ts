import { describe, expect, it } from 'vitest';
import { createCleanupStack } from './cleanup-stack.js';

describe('createCleanupStack', () => {
  it('runs the steps last-added first', async () => {
    const stack = createCleanupStack();
    const order: string[] = [];
    for (const name of ['dir', 'agent', 'container']) stack.push(async () => void order.push(name));
    await stack.run();
    expect(order).toEqual(['container', 'agent', 'dir']);
  });

  it('runs the remaining steps after one fails and returns the failure', async () => {
    const stack = createCleanupStack();
    const order: string[] = [];
    stack.push(async () => void order.push('first'));
    stack.push(() => Promise.reject(new Error('podman rm failed')));
    const failures = await stack.run();
    expect(order).toEqual(['first']);
    expect(failures).toEqual([new Error('podman rm failed')]);
  });

  it('runs each step once when asked twice at the same time', async () => {
    const stack = createCleanupStack();
    let runs = 0;
    stack.push(async () => void (runs += 1));
    await Promise.all([stack.run(), stack.run()]);
    expect(runs).toBe(1);
  });
});
