// What the podman backend does to a real container: ports, env, cmd, volumes, user, network, restart.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { readAll, waitForState } from '../testing/index.js';
import type { ContainerSpec } from '../types.js';
import {
  BUSYBOX_INDEX_HTML,
  freeLoopbackPort,
  podmanCli,
  podmanSkipReason,
  removeNodeContainers,
  startPodmanTestBed,
  uniqueName,
  uniqueNode,
  useTempDirs,
} from './podman-harness.js';
import type { PodmanTestBed } from './podman-harness.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`podman backend runs containers${skipReason ? ` (${skipReason})` : ''}`, {
  timeout: 30_000,
}, () => {
  let bed: PodmanTestBed;
  let node = '';
  const volumes: string[] = [];
  const tempDir = useTempDirs('mcp-podman-run');

  beforeAll(async () => {
    bed = await startPodmanTestBed();
  }, 120_000);
  afterAll(() => bed.stop());
  afterEach(async () => {
    await removeNodeContainers(bed.runtime, node);
    if (volumes.length > 0) await podmanCli('volume', 'rm', '--force', ...volumes.splice(0));
  });

  beforeEach(() => {
    node = uniqueNode();
  });
  const spec = (overrides: Partial<ContainerSpec> = {}): ContainerSpec => ({
    service: uniqueName('svc'),
    component: 'main',
    node,
    image: bed.image,
    ...overrides,
  });

  /** Runs a command to its end and returns its stdout lines. */
  async function output(overrides: Partial<ContainerSpec>): Promise<string[]> {
    const { name } = await bed.runtime.createAndStart(spec(overrides));
    await waitForState(bed.runtime, name, 'exited');
    const lines = await readAll((signal) => bed.runtime.logs(name, { signal }));
    return lines.filter((line) => line.stream === 'stdout').map((line) => line.text);
  }

  it('publishes a port, so busybox httpd answers over HTTP on the host', async () => {
    const hostPort = await freeLoopbackPort();
    await bed.runtime.createAndStart(
      spec({ ports: [{ hostIp: '127.0.0.1', hostPort, containerPort: 8080, protocol: 'tcp' }] }),
    );
    const deadline = Date.now() + 10_000;
    let body: string | undefined;
    while (body === undefined) {
      body = await fetch(`http://127.0.0.1:${hostPort}/`).then(
        (response) => response.text(),
        (error: unknown) => {
          if (Date.now() > deadline) throw error;
          return undefined;
        },
      );
      if (body === undefined) await delay(50);
    }
    expect(body).toBe(BUSYBOX_INDEX_HTML);
  });

  it('runs cmd instead of the image default', async () => {
    expect(await output({ cmd: ['echo', 'from', 'cmd'] })).toEqual(['from cmd']);
  });

  it('gives the process the environment it was given', async () => {
    const lines = await output({ cmd: ['sh', '-c', 'echo "$GREETING|$EMPTY|"'], env: { GREETING: 'hi there', EMPTY: '' } });
    expect(lines).toEqual(['hi there||']);
  });

  it('bind-mounts a host directory', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'note.txt'), 'from the host\n');
    const lines = await output({
      cmd: ['sh', '-c', 'cat /data/note.txt; echo written > /data/back.txt'],
      volumes: [{ source: dir, target: '/data', options: [] }],
    });
    expect(lines).toEqual(['from the host']);
    expect(await readFile(join(dir, 'back.txt'), 'utf8')).toBe('written\n');
  });

  it('mounts read-only with the ro option', async () => {
    const dir = await tempDir();
    const { name } = await bed.runtime.createAndStart(
      spec({ cmd: ['touch', '/data/x'], volumes: [{ source: dir, target: '/data', options: ['ro'] }] }),
    );
    expect((await waitForState(bed.runtime, name, 'exited')).exitCode).not.toBe(0);
    expect((await bed.runtime.inspect(name)).volumes).toEqual([{ source: dir, target: '/data', options: ['ro'] }]);
  });

  it('keeps data in a named volume from one container to the next', async () => {
    const volume = uniqueName('vol');
    volumes.push(volume);
    const mount = [{ source: volume, target: '/state', options: [] }];
    await output({ cmd: ['sh', '-c', 'echo kept > /state/file'], volumes: mount });
    expect(await output({ cmd: ['cat', '/state/file'], volumes: mount })).toEqual(['kept']);
  });

  it('runs as the user it was given', async () => {
    expect(await output({ cmd: ['id', '-u'], user: 'nobody' })).toEqual(['65534']);
  });

  it('joins the host network when asked', async () => {
    const details = await bed.runtime.createAndStart(spec({ cmd: ['sleep', '30'], network: 'host' }));
    expect(details.networks).toEqual(['host']);
    expect(details.ports).toEqual([]);
  });

  it('records the restart policy, with a retry count for on-failure', async () => {
    const always = await bed.runtime.createAndStart(spec({ restart: 'unless-stopped' }));
    const limited = await bed.runtime.createAndStart(spec({ restart: 'on-failure:2' }));
    expect([always.restart, limited.restart]).toEqual(['unless-stopped', 'on-failure:2']);
  });

  it('refuses an unknown restart policy as invalid input, creating nothing', async () => {
    const failure = await bed.runtime.createAndStart(spec({ restart: 'sometimes' })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).kind).toBe('invalid-argument');
    expect(await bed.runtime.list({ node })).toEqual([]);
  });

  it('runs every container with --init, so PID 1 forwards the stop signal', async () => {
    const details = await bed.runtime.createAndStart(spec());
    expect((await podmanCli('inspect', '--format', '{{.HostConfig.Init}}', details.name)).trim()).toBe('true');
  });

  it('runs a container under the memory and pids limits it was given', async () => {
    const lines = await output({
      cmd: ['sh', '-c', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'],
      memoryLimitMb: 64,
      pidsLimit: 100,
    });
    expect(lines).toEqual([String(64 * 1024 * 1024), '100']);
  });

  it('reports the limits a container runs with, and none for one without', async () => {
    const limited = await bed.runtime.createAndStart(spec({ cmd: ['sleep', '30'], memoryLimitMb: 96, pidsLimit: 50 }));
    const free = await bed.runtime.createAndStart(spec({ component: 'free', cmd: ['sleep', '30'] }));
    expect([limited.memoryLimitMb, limited.pidsLimit]).toEqual([96, 50]);
    expect([free.memoryLimitMb, free.pidsLimit === undefined || free.pidsLimit > 50]).toEqual([undefined, true]);
  });

  it('runs a command inside a running container and returns its exit code and output as values', async () => {
    const details = await bed.runtime.createAndStart(spec({ cmd: ['sleep', '60'] }));
    const ok = await bed.runtime.exec?.(details.name, ['sh', '-c', 'echo snap; echo warn >&2']);
    expect(ok).toEqual({ exitCode: 0, stdout: 'snap\n', stderr: 'warn\n' });
    const failed = await bed.runtime.exec?.(details.name, ['sh', '-c', 'echo broken >&2; exit 3']);
    expect(failed).toMatchObject({ exitCode: 3, stderr: 'broken\n' });
  });

  it('refuses exec in a container that does not exist as not found', async () => {
    const error = await bed.runtime.exec?.(uniqueName('absent'), ['true']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).kind).toBe('not-found');
  });
});
