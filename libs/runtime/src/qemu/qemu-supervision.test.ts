// Real VMs under TCG: exits recorded by the supervisor with no agent watching, restart policies, reaping, removal.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSpec, RuntimeEvent } from '../types.js';
import { readUntil, waitForState } from '../testing/index.js';
import {
  qemuPidOf,
  qemuSkipReason,
  removeNodeVms,
  startQemuTestBed,
  supervisorPidOf,
  uniqueName,
  uniqueNode,
} from './qemu-harness.js';
import type { QemuTestBed } from './qemu-harness.js';
import { parseJournalLine } from './event-journal.js';
import { stateLayout } from './vm-record.js';

const skip = await qemuSkipReason();

describe.skipIf(skip !== undefined)(`qemu VM supervision${skip === undefined ? '' : ` (skipped: ${skip})`}`, { timeout: 90_000 }, () => {
  let bed: QemuTestBed;
  const node = uniqueNode();
  const spec = (overrides: Partial<ContainerSpec> = {}): ContainerSpec => ({
    service: uniqueName('vm'),
    component: 'main',
    node,
    image: bed.image,
    cmd: ['serve'],
    ...overrides,
  });
  const eventsOf = (name: string, since: Date, until: (events: readonly RuntimeEvent[]) => boolean): Promise<RuntimeEvent[]> =>
    readUntil(
      (signal) => bed.reopen().events({ node, since, signal }),
      (_event, seen) => until(seen.filter((event) => event.name === name)),
      30_000,
    ).then((seen) => seen.filter((event) => event.name === name));

  beforeAll(async () => {
    bed = await startQemuTestBed();
  }, 600_000);
  afterAll(() => bed.stop(), 60_000);
  afterEach(() => removeNodeVms(bed.runtime, node), 60_000);

  it('records the exit code of a QEMU killed while no runtime watches, and replays its die later', async () => {
    const since = new Date(Date.now() - 1000);
    const { name } = await bed.runtime.createAndStart(spec());
    process.kill(await qemuPidOf(bed.stateDir, name), 'SIGKILL');
    // A runtime made afterwards, as an agent started after the fact would.
    const details = await waitForState(bed.reopen(), name, 'exited');
    expect(details.exitCode).toBe(137);
    const events = await eventsOf(name, since, (seen) => seen.some((event) => event.action === 'die'));
    expect(events.find((event) => event.action === 'die')?.exitCode).toBe(137);
  });

  it('starts QEMU again after it dies when the restart policy is always', async () => {
    const since = new Date(Date.now() - 1000);
    const { name } = await bed.runtime.createAndStart(spec({ restart: 'always' }));
    const firstPid = await qemuPidOf(bed.stateDir, name);
    process.kill(firstPid, 'SIGKILL');
    const events = await eventsOf(name, since, (seen) => seen.filter((event) => event.action === 'start').length === 2);
    expect(events.map((event) => event.action)).toEqual(['create', 'start', 'die', 'start']);
    const details = await waitForState(bed.runtime, name, 'running');
    expect(details.state).toBe('running');
    expect(await qemuPidOf(bed.stateDir, name)).not.toBe(firstPid);
  });

  it('does not start again a VM with restart policy always once it is stopped', async () => {
    const { name } = await bed.runtime.createAndStart(spec({ restart: 'always' }));
    await bed.runtime.stop(name, { timeoutSeconds: 0 });
    const details = await bed.runtime.inspect(name);
    expect({ state: details.state, exitCode: details.exitCode }).toEqual({ state: 'exited', exitCode: 0 });
  });

  it('does not restart on a clean exit when the policy is on-failure', async () => {
    const { name } = await bed.runtime.createAndStart(
      spec({ restart: 'on-failure', cmd: ['print', 'bye'], env: { EXIT_CODE: '0' } }),
    );
    const details = await waitForState(bed.runtime, name, 'exited', 30_000);
    expect(details.exitCode).toBe(0);
  });

  it('restarts on a failure when the policy is on-failure', async () => {
    const since = new Date(Date.now() - 1000);
    const { name } = await bed.runtime.createAndStart(
      spec({ restart: 'on-failure:1', cmd: ['print', 'failing'], env: { EXIT_CODE: '5' } }),
    );
    // One retry allowed: start, die 5, start again, die 5, and then it stays down.
    const events = await eventsOf(name, since, (seen) => seen.filter((event) => event.action === 'die').length === 2);
    expect(events.map((event) => [event.action, event.exitCode])).toEqual([
      ['create', undefined],
      ['start', undefined],
      ['die', 5],
      ['start', undefined],
      ['die', 5],
    ]);
    expect((await waitForState(bed.runtime, name, 'exited')).exitCode).toBe(5);
  });

  it('records an unknown exit, once, when the supervisor vanished together with QEMU', async () => {
    const { name } = await bed.runtime.createAndStart(spec());
    const qemu = await qemuPidOf(bed.stateDir, name);
    process.kill(await supervisorPidOf(bed.stateDir, name), 'SIGKILL');
    process.kill(qemu, 'SIGKILL');
    const details = await waitForState(bed.runtime, name, 'exited');
    expect(details.exitCode).toBeUndefined();
    // Two more runtimes look at it (as two agent restarts would): still one die in the journal.
    await bed.reopen().inspect(name);
    await bed.reopen().list({ node });
    const journal = await readFile(stateLayout(bed.stateDir).journal, 'utf8');
    const dies = journal
      .split('\n')
      .map(parseJournalLine)
      .filter((event) => event?.name === name && event.action === 'die');
    expect(dies).toHaveLength(1);
    expect(dies[0]?.exitCode).toBeUndefined();
  });

  it('removes the state dir together with the VM', async () => {
    const { name } = await bed.runtime.createAndStart(spec());
    const dir = join(stateLayout(bed.stateDir).vmsDir, name);
    expect((await stat(dir)).isDirectory()).toBe(true);
    await bed.runtime.remove(name, { force: true });
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
