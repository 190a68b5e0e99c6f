// startPodmanService against the real podman binary: it answers, stops cleanly, and fails with reasons.
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { podmanSkipReason, useTempDirs } from './podman-harness.js';
import { createPodmanRuntime } from './podman-runtime.js';
import { pingPodmanSocket, startPodmanService } from './podman-service.js';
import type { PodmanService } from './podman-service.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`startPodmanService${skipReason ? ` (${skipReason})` : ''}`, {
  timeout: 30_000,
}, () => {
  const tempDir = useTempDirs('mcp-podman-service');
  const started: PodmanService[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((service) => service.stop()));
  });
  const start = async (socketPath: string): Promise<PodmanService> => {
    const service = await startPodmanService({ socketPath });
    started.push(service);
    return service;
  };

  it('serves the libpod API on the socket once it resolves', async () => {
    const service = await start(join(await tempDir(), 'podman.sock'));
    const runtime = createPodmanRuntime({ socketPath: service.socketPath });
    try {
      expect(await runtime.probe()).toMatchObject({ available: true, version: expect.stringMatching(/^\d+\.\d+/) });
    } finally {
      runtime.close();
    }
  });

  it('stops the service and removes its socket', async () => {
    const service = await start(join(await tempDir(), 'podman.sock'));
    await service.stop();
    expect(await pingPodmanSocket(service.socketPath)).toBe(false);
    await expect(stat(service.socketPath)).rejects.toThrow(/ENOENT/);
  });

  it('creates the socket directory when it does not exist', async () => {
    const service = await start(join(await tempDir(), 'run', 'podman', 'podman.sock'));
    expect(await pingPodmanSocket(service.socketPath)).toBe(true);
  });

  it('replaces a stale socket file that nothing answers on', async () => {
    const socketPath = join(await tempDir(), 'podman.sock');
    await writeFile(socketPath, '');
    await start(socketPath);
    expect(await pingPodmanSocket(socketPath)).toBe(true);
  });

  it('refuses to start a second service on a socket that already answers', async () => {
    const socketPath = join(await tempDir(), 'podman.sock');
    await start(socketPath);
    const failure = await startPodmanService({ socketPath }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).message).toContain('already answers');
    expect(await pingPodmanSocket(socketPath)).toBe(true);
  });

  it('fails with the reason when podman cannot run', async () => {
    const socketPath = join(await tempDir(), 'podman.sock');
    const failure = await startPodmanService({ socketPath, podmanPath: '/nonexistent/podman' }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).kind).toBe('unavailable');
    expect((failure as RuntimeError).message).toContain('ENOENT');
  });
});
