// A lock shared by processes through an exclusively created file, for one-time setup that parallel tests race to do.
import { open, readFile, rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

const POLL_INTERVAL_MS = 50;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock when the process that wrote it is gone (it crashed while holding it). */
async function removeIfStale(path: string): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = Number(text);
  // An empty file is a lock being written right now, not a stale one.
  if (text === undefined || text === '' || !Number.isInteger(pid)) return;
  if (!processIsAlive(pid)) await rm(path, { force: true });
}

/** Runs `action` while holding the lock at `path`; waits (polling, up to timeoutMs) while another holds it. */
export async function withFileLock<T>(path: string, action: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    await removeIfStale(path);
    if (Date.now() > deadline) throw new Error(`lock ${path} still held after ${timeoutMs} ms`);
    await delay(POLL_INTERVAL_MS);
  }
  try {
    return await action();
  } finally {
    await rm(path, { force: true });
  }
}
