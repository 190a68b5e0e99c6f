import { describe, expect, it } from 'vitest';
import { isServiceLocked, withServiceLock } from './service-lock.js';

/** A task that runs until released, recording when it starts and ends. */
function gate(log: string[], name: string) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started: () => void = () => undefined;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const task = async () => {
    log.push(`${name} start`);
    started();
    await released;
    log.push(`${name} end`);
    return name;
  };
  return { task, release, running };
}

describe('service lock', () => {
  it('runs two tasks of one service one after the other, in order of arrival', async () => {
    const owner = {};
    const log: string[] = [];
    const first = gate(log, 'first');
    const second = gate(log, 'second');
    const a = withServiceLock(owner, 'web', first.task);
    const b = withServiceLock(owner, 'web', second.task);
    await first.running;
    expect(log).toEqual(['first start']);
    first.release();
    await second.running;
    second.release();
    expect(await Promise.all([a, b])).toEqual(['first', 'second']);
    expect(log).toEqual(['first start', 'first end', 'second start', 'second end']);
  });

  it('runs tasks of different services at the same time', async () => {
    const owner = {};
    const log: string[] = [];
    const web = gate(log, 'web');
    const api = gate(log, 'api');
    const a = withServiceLock(owner, 'web', web.task);
    const b = withServiceLock(owner, 'api', api.task);
    await Promise.all([web.running, api.running]);
    web.release();
    api.release();
    await Promise.all([a, b]);
    expect(log.slice(0, 2).sort()).toEqual(['api start', 'web start']);
  });

  it('lets the next task run after one fails, and passes the failure to its caller', async () => {
    const owner = {};
    const failed = withServiceLock(owner, 'web', () => Promise.reject(new Error('boom')));
    const next = withServiceLock(owner, 'web', () => Promise.resolve('ran'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('keeps separate tables per owner (registry)', async () => {
    const log: string[] = [];
    const one = gate(log, 'one');
    const two = gate(log, 'two');
    const a = withServiceLock({}, 'web', one.task);
    const b = withServiceLock({}, 'web', two.task);
    await Promise.all([one.running, two.running]);
    one.release();
    two.release();
    await Promise.all([a, b]);
  });

  it('forgets a service once its last task has settled', async () => {
    const owner = {};
    const pending = withServiceLock(owner, 'web', () => Promise.resolve());
    expect(isServiceLocked(owner, 'web')).toBe(true);
    await pending;
    await expect.poll(() => isServiceLocked(owner, 'web')).toBe(false);
  });
});
