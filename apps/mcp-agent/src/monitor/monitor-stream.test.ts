// The monitor's event stream against a podman API service that goes away and comes back: it reopens with backoff.
import { createPodmanRuntime, startPodmanService, NODE_LABEL, type PodmanService } from '@mcp/runtime';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { podmanCli, podmanSkipReason } from '../testing/agent-test-bed.js';
import { reconnectDelayMs } from './event-watch.js';
import { TEST_SETTINGS, startMonitorFixture, waitFor, type MonitorFixture } from './monitor.fixture.js';

const skipReason = await podmanSkipReason();

describe('reconnectDelayMs', () => {
  it('doubles from the initial delay up to the maximum', () => {
    const policy = { initialMs: 500, maxMs: 30_000 };
    expect([1, 2, 3, 4, 7, 8, 50].map((failures) => reconnectDelayMs(failures, policy))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000, 30_000,
    ]);
  });
});

describe.skipIf(skipReason !== undefined)(`monitor event stream${skipReason ? ` (${skipReason})` : ''}`, { timeout: 90_000 }, () => {
  let fixture: MonitorFixture;
  let service: PodmanService | undefined;
  beforeAll(async () => {
    fixture = await startMonitorFixture();
  }, 120_000);
  afterEach(async () => {
    await fixture.reset();
    await service?.stop();
  });
  afterAll(() => fixture.close());

  it('reopens the event stream after the podman service restarts, and follows events again', async () => {
    const socketPath = join(fixture.bed.dir.path, 'restarting-podman.sock');
    service = await startPodmanService({ socketPath });
    const runtime = createPodmanRuntime({ socketPath });
    const deps = { ...fixture.bed.deps, runtime };
    const spec = await fixture.deploy(undefined, deps);
    // Sweeps far apart: what is seen between them comes from the event stream.
    const monitor = fixture.startMonitor({
      deps,
      settings: { ...TEST_SETTINGS, sweepIntervalMs: 3600_000 },
      reconnectBackoff: { initialMs: 50, maxMs: 400 },
    });
    await monitor.sweepNow();
    await podmanCli('kill', `${spec.name}-app`);
    await waitFor('the kill seen through the stream', () =>
      deps.registry.getService(spec.name).components[0]?.observed.state === 'exited' ? true : undefined,
    );

    await service.stop();
    await waitFor('the stream to break', () => (monitor.status().streams[0]?.breaks ?? 0) > 0 ? true : undefined);
    service = await startPodmanService({ socketPath });
    const received = monitor.status().streams[0]?.eventsReceived ?? 0;
    // Events of this node flow again once the stream is reopened: make some until one arrives.
    await waitFor('an event through the reopened stream', async () => {
      await podmanCli('run', '--rm', '--label', `${NODE_LABEL}=${deps.node.name}`, fixture.bed.image, 'true');
      return (monitor.status().streams[0]?.eventsReceived ?? 0) > received ? true : undefined;
    });
    const broke = fixture.bed.logs.lines().find((line) => line['msg'] === 'runtime event stream broke; reopening it');
    expect(broke).toMatchObject({ backend: 'podman', retryInMs: 50, failures: 1 });
    runtime.close();
  });
});
