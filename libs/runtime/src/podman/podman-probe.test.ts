// The podman backend's fingerprint when podman is not there: a value with a reason, never an exception.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { probePodmanCli } from './podman-cli.js';
import { createPodmanRuntime } from './podman-runtime.js';

describe('podman probe without podman', () => {
  const socketPath = join(tmpdir(), `mcp-no-podman-${process.pid}.sock`);

  it('reports the API unavailable, naming the socket, when nothing listens on it', async () => {
    const runtime = createPodmanRuntime({ socketPath });
    const probe = await runtime.probe();
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain(socketPath);
    expect(probe.reason).toContain('podman system service');
  });

  it('fails other calls with an unavailable RuntimeError', async () => {
    const runtime = createPodmanRuntime({ socketPath });
    const failure = await runtime.list({ node: 'n1' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).kind).toBe('unavailable');
  });

  it('reports the binary absent, pointing at the setup script', async () => {
    const probe = await probePodmanCli({ podmanPath: '/nonexistent/podman' });
    expect(probe).toEqual({
      available: false,
      reason: 'podman is not installed (no /nonexistent/podman on PATH); run scripts/setup-system.sh',
    });
  });
});
