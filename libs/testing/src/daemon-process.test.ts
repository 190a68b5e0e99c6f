import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemonProcess } from './daemon-process.js';
import { useTempDirs } from './temp-dirs.js';

/** A daemon that logs its ready line with its pid, like pino, and then serves until signalled. */
const serving = (handler: string) =>
  `${handler}; console.log(JSON.stringify({ pid: process.pid, msg: 'ready' })); setInterval(() => {}, 1000);`;

describe('startDaemonProcess', () => {
  const tempDir = useTempDirs('daemon-process');

  it('resolves once the daemon logged its ready line with its own pid', async () => {
    const logPath = join(await tempDir(), 'daemon.log');
    const daemon = await startDaemonProcess({ args: ['-e', serving('')], logPath, readyMessage: 'ready' });
    try {
      expect(daemon.running()).toBe(true);
      expect(await readFile(logPath, 'utf8')).toContain(`"pid":${daemon.pid}`);
    } finally {
      await daemon.stop();
    }
  });

  it('stops the daemon with SIGTERM', async () => {
    const logPath = join(await tempDir(), 'daemon.log');
    const handler = "process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); })";
    const daemon = await startDaemonProcess({ args: ['-e', serving(handler)], logPath, readyMessage: 'ready' });
    await daemon.stop();
    expect(daemon.running()).toBe(false);
    expect(await readFile(logPath, 'utf8')).toContain('got SIGTERM');
  });

  it('kills a daemon that ignores SIGTERM once the grace period is over', async () => {
    const logPath = join(await tempDir(), 'daemon.log');
    const daemon = await startDaemonProcess({ args: ['-e', serving("process.on('SIGTERM', () => {})")], logPath, readyMessage: 'ready' });
    await daemon.stop(200);
    expect(daemon.running()).toBe(false);
  });

  it('fails with the log of a daemon that exits before it is ready', async () => {
    const logPath = join(await tempDir(), 'daemon.log');
    const start = startDaemonProcess({ args: ['-e', "console.error('config.toml: bad key'); process.exit(1)"], logPath, readyMessage: 'ready' });
    await expect(start).rejects.toThrow(/exited before it was ready:\nconfig\.toml: bad key/);
  });

  it('fails when the daemon is not ready in time', async () => {
    const logPath = join(await tempDir(), 'daemon.log');
    const start = startDaemonProcess({ args: ['-e', 'setInterval(() => {}, 1000)'], logPath, readyMessage: 'ready', readyTimeoutMs: 200 });
    await expect(start).rejects.toThrow('not ready within 200 ms');
  });

  it('does not take the ready line of another process for its own', async () => {
    const logPath = join(await tempDir(), 'daemon.log');
    const otherPid = "console.log(JSON.stringify({ pid: 1, msg: 'ready' })); setInterval(() => {}, 1000)";
    const start = startDaemonProcess({ args: ['-e', otherPid], logPath, readyMessage: 'ready', readyTimeoutMs: 300 });
    await expect(start).rejects.toThrow('not ready within 300 ms');
  });
});
