// The runtime gate: skip with a reason, or fail when MCP_REQUIRE_RUNTIME names the runtime.
import { describe, expect, it } from 'vitest';
import { RequiredRuntimeMissingError, requireRuntime, requiredRuntimes } from './require-runtime.js';

const absent = () => Promise.resolve({ available: false, reason: 'podman is not installed' });
const present = () => Promise.resolve({ available: true, version: '4.3.1' });

describe('requireRuntime', () => {
  it('gives no skip reason when the runtime is available', async () => {
    expect(await requireRuntime('podman', present, ['podman'])).toBeUndefined();
  });

  it('gives the probe\'s reason to skip with when the runtime is absent and not required', async () => {
    expect(await requireRuntime('podman', absent, ['qemu'])).toBe('podman unavailable: podman is not installed');
  });

  it('throws when the absent runtime is required, so CI fails instead of skipping', async () => {
    const failure = await requireRuntime('podman', absent, ['podman', 'qemu']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RequiredRuntimeMissingError);
    expect((failure as Error).message).toContain('podman is not installed');
  });

  it('treats a probe that throws as an absent runtime', async () => {
    const broken = () => Promise.reject(new Error('socket gone'));
    expect(await requireRuntime('podman', broken, [])).toBe('podman unavailable: probe failed: socket gone');
  });

  it('matches the runtime name without regard to case', async () => {
    await expect(requireRuntime('Podman', absent, ['podman'])).rejects.toThrow(RequiredRuntimeMissingError);
  });
});

describe('requiredRuntimes', () => {
  it('reads a comma list, trimming blanks and case', () => {
    expect(requiredRuntimes(' Podman, qemu ,,')).toEqual(['podman', 'qemu']);
  });

  it('requires nothing when the variable is empty', () => {
    expect(requiredRuntimes('')).toEqual([]);
  });
});
