// What e2e scenarios with real QEMU guests share: the skip probe, the lock that lets one file boot TCG guests at a
// time, and waiting for a guest's HTTP server.
import { requireRuntime, withFileLock } from '@mcp/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { run } from './programs.js';

/** The lock libs/runtime's and the agent's QEMU tests take: one file boots TCG guests at a time. */
const QEMU_TEST_LOCK = join(tmpdir(), 'mcp-qemu-tests.lock');

/** Why QEMU tests cannot run here, or undefined (a failure instead of a skip where CI requires qemu). */
export function qemuUnavailable(): Promise<string | undefined> {
  return requireRuntime('qemu', async () => {
    const probe = await run('qemu-system-x86_64', ['--version']);
    return probe.exitCode === 0 ? { available: true } : { available: false, reason: `qemu-system-x86_64 --version: ${probe.stderr.trim()}` };
  });
}

/** Takes the QEMU test lock and holds it until the returned release is called (in afterAll). */
export async function holdQemuTestLock(): Promise<() => void> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await new Promise<void>((acquired, failed) => {
    withFileLock(QEMU_TEST_LOCK, async () => {
      acquired();
      await held;
    }, 600_000).catch(failed);
  });
  return release;
}

/** GETs / until it answers 2xx; a TCG guest takes seconds to boot (60 s deadline). */
export async function httpBody(port: number): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      if (response.ok) return await response.text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`GET / on port ${port} never answered 2xx`);
    await delay(100);
  }
}
