// startLocalRegistry against Debian's docker-registry.
import { describe, expect, it } from 'vitest';
import { probeLocalRegistry, startLocalRegistry } from './local-registry.js';
import { requireRuntime } from './require-runtime.js';

// The registry is part of the podman test kit: CI that requires podman requires it too.
const skipReason = await requireRuntime('podman', () => probeLocalRegistry());

describe.skipIf(skipReason !== undefined)(`startLocalRegistry${skipReason ? ` (${skipReason})` : ''}`, () => {
  it('answers the registry API on a loopback port until stopped', async () => {
    const registry = await startLocalRegistry();
    try {
      expect(registry.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect((await fetch(`http://${registry.address}/v2/`)).status).toBe(200);
    } finally {
      await registry.stop();
    }
    await expect(fetch(`http://${registry.address}/v2/`)).rejects.toThrow();
  });

  it('gives each registry its own port', async () => {
    const [first, second] = await Promise.all([startLocalRegistry(), startLocalRegistry()]);
    try {
      expect(first.address).not.toBe(second.address);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('fails with the reason when the binary cannot run', async () => {
    await expect(startLocalRegistry({ registryPath: '/nonexistent/docker-registry' })).rejects.toThrow(
      /could not start: spawn \/nonexistent\/docker-registry ENOENT/,
    );
  });
});

describe('probeLocalRegistry', () => {
  it('reports a missing binary as unavailable with the reason', async () => {
    const probe = await probeLocalRegistry({ registryPath: '/nonexistent/docker-registry' });
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain('install docker-registry');
  });
});
