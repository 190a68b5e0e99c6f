// The cross-process file lock: exclusion, release on failure, stale locks, timeouts.
import { spawnSync } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from './file-lock.js';
import { useTempDirs } from './temp-dirs.js';

describe('withFileLock', () => {
  const tempDir = useTempDirs('mcp-lock');

  it('runs holders one at a time', async () => {
    const lock = join(await tempDir(), 'image.lock');
    let inside = 0;
    let mostInside = 0;
    const holder = () =>
      withFileLock(lock, async () => {
        inside += 1;
        mostInside = Math.max(mostInside, inside);
        await new Promise((resolve) => setImmediate(resolve));
        inside -= 1;
      });
    await Promise.all([holder(), holder(), holder(), holder()]);
    expect(mostInside).toBe(1);
  });

  it('releases the lock when the action throws', async () => {
    const lock = join(await tempDir(), 'image.lock');
    await expect(withFileLock(lock, () => Promise.reject(new Error('import failed')))).rejects.toThrow('import failed');
    await expect(stat(lock)).rejects.toThrow(/ENOENT/);
  });

  it('takes over a lock left by a process that died', async () => {
    const lock = join(await tempDir(), 'image.lock');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lock, String(dead));
    expect(await withFileLock(lock, () => Promise.resolve('done'), 5_000)).toBe('done');
  });

  it('gives up after the timeout while a live process holds the lock', async () => {
    const lock = join(await tempDir(), 'image.lock');
    await writeFile(lock, String(process.pid));
    await expect(withFileLock(lock, () => Promise.resolve(), 200)).rejects.toThrow(/still held after 200 ms/);
  });
});
