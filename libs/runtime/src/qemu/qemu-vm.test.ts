// Real VMs under TCG: networking, env and cmd, the stop sequence, memory and CPUs, and re-attaching after an agent restart.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import type { ContainerSpec } from '../types.js';
import { readAll, readUntil, waitForState } from '../testing/index.js';
import { qmpExecute } from './qmp.js';
import {
  VM_ARGS_MARKER,
  VM_ENV_MARKER,
  VM_INDEX_HTML,
  VM_POWERDOWN_MARKER,
  freeLoopbackPort,
  qemuPidOf,
  qemuSkipReason,
  removeNodeVms,
  startQemuTestBed,
  uniqueName,
  uniqueNode,
  waitForGuestReady,
} from './qemu-harness.js';
import type { QemuTestBed } from './qemu-harness.js';
import { stateLayout } from './vm-record.js';

const skip = await qemuSkipReason();

/** GET with retries until the deadline: the forward accepts before the guest listens. */
async function fetchText(url: string, deadlineMs = 30_000): Promise<string> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      return await response.text();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`GET ${url} failed until the deadline: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function consoleTexts(bed: QemuTestBed, name: string): Promise<string[]> {
  return (await readAll((signal) => bed.runtime.logs(name, { signal }))).map((line) => line.text);
}

describe.skipIf(skip !== undefined)(`qemu VMs${skip === undefined ? '' : ` (skipped: ${skip})`}`, { timeout: 90_000 }, () => {
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

  beforeAll(async () => {
    bed = await startQemuTestBed();
  }, 600_000);
  afterAll(() => bed.stop(), 60_000);
  afterEach(() => removeNodeVms(bed.runtime, node), 60_000);

  it('serves HTTP from the guest on the published host port, which the guest learns as $PORT', async () => {
    const port = await freeLoopbackPort();
    const { name } = await bed.runtime.createAndStart(
      spec({ env: { PORT: String(port) }, ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: port, protocol: 'tcp' }] }),
    );
    await waitForGuestReady(bed.runtime, name);
    expect(await fetchText(`http://127.0.0.1:${port}/`)).toBe(VM_INDEX_HTML);
  });

  it("hands env to the guest's init as its environment and cmd as its arguments", async () => {
    const { name } = await bed.runtime.createAndStart(
      spec({ cmd: ['serve', 'two words'], env: { GREETING: 'hello world', EMPTY: '' } }),
    );
    await waitForGuestReady(bed.runtime, name);
    const texts = await consoleTexts(bed, name);
    expect(texts).toContain(`${VM_ENV_MARKER} GREETING=hello world`);
    expect(texts).toContain(`${VM_ENV_MARKER} EMPTY=`);
    expect(texts).toContain(`${VM_ARGS_MARKER} serve two words`);
  });

  it('stops a guest that ignores the power button with QMP quit once the grace is over', async () => {
    const { name } = await bed.runtime.createAndStart(spec());
    await waitForGuestReady(bed.runtime, name);
    await bed.runtime.stop(name, { timeoutSeconds: 1 });
    const details = await bed.runtime.inspect(name);
    // quit ends QEMU with 0; SIGKILL, the last resort, would have given 137.
    expect({ state: details.state, exitCode: details.exitCode }).toEqual({ state: 'exited', exitCode: 0 });
    expect(await consoleTexts(bed, name)).not.toContain(VM_POWERDOWN_MARKER);
  });

  it('powers off a guest that handles the ACPI power button (QMP system_powerdown)', async () => {
    const { name } = await bed.runtime.createAndStart(spec({ cmd: ['serve', 'acpi'] }));
    await waitForGuestReady(bed.runtime, name);
    await bed.runtime.stop(name, { timeoutSeconds: 60 });
    expect(await consoleTexts(bed, name)).toContain(VM_POWERDOWN_MARKER);
    expect((await bed.runtime.inspect(name)).exitCode).toBe(0);
  });

  it('journals stop before die when stopping', async () => {
    const since = new Date(Date.now() - 1000);
    const { name } = await bed.runtime.createAndStart(spec());
    await bed.runtime.stop(name, { timeoutSeconds: 0 });
    const events = await readUntil(
      (signal) => bed.runtime.events({ node, since, signal }),
      (event) => event.name === name && event.action === 'die',
    );
    expect(events.filter((event) => event.name === name).map((event) => event.action)).toEqual([
      'create',
      'start',
      'stop',
      'die',
    ]);
  });

  it('gives QEMU the memory and virtual CPUs of the spec', async () => {
    const { name, memoryMb, vcpus } = await bed.runtime.createAndStart(spec({ memoryMb: 192, vcpus: 2 }));
    expect({ memoryMb, vcpus }).toEqual({ memoryMb: 192, vcpus: 2 });
    const [memory, cpus] = await qmpExecute(
      join(stateLayout(bed.stateDir).vmsDir, name),
      [{ execute: 'query-memory-size-summary' }, { execute: 'query-cpus-fast' }],
      5000,
    );
    expect((memory as { 'base-memory': number })['base-memory']).toBe(192 * 1024 * 1024);
    expect(cpus).toHaveLength(2);
  });

  it('fails a QMP command QEMU does not know with an error naming it', async () => {
    const { name } = await bed.runtime.createAndStart(spec());
    const dir = join(stateLayout(bed.stateDir).vmsDir, name);
    await expect(qmpExecute(dir, [{ execute: 'mcp-no-such-command' }], 5000)).rejects.toThrow(/QMP mcp-no-such-command: .*not been found/);
  });

  it('finds running VMs again from the state dir when the runtime is made anew (agent restart)', async () => {
    const port = await freeLoopbackPort();
    const made = await bed.runtime.createAndStart(
      spec({ env: { PORT: String(port) }, ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: port, protocol: 'tcp' }] }),
    );
    const pid = await qemuPidOf(bed.stateDir, made.name);
    const restarted = bed.reopen();
    const listed = await restarted.list({ node });
    expect(listed.map((vm) => ({ id: vm.id, name: vm.name, state: vm.state }))).toEqual([
      { id: made.id, name: made.name, state: 'running' },
    ]);
    expect((await restarted.inspect(made.name)).env).toEqual({ PORT: String(port) });
    await waitForGuestReady(restarted, made.name);
    expect(await fetchText(`http://127.0.0.1:${port}/`)).toBe(VM_INDEX_HTML);
    expect(await qemuPidOf(bed.stateDir, made.name)).toBe(pid);
    await restarted.stop(made.name, { timeoutSeconds: 0 });
    expect((await waitForState(bed.runtime, made.name, 'exited')).state).toBe('exited');
  });

  it('refuses what a VM cannot honour, naming every field, and makes nothing', async () => {
    const failure = await bed.runtime
      .createAndStart(
        spec({
          volumes: [{ source: 'named-volume', target: '/data', options: [] }],
          network: 'host',
          env: { 'bad.name': 'x', QUOTED: 'say "hi"' },
          memoryMb: 4,
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => error as RuntimeError,
      );
    expect(failure).toBeInstanceOf(RuntimeError);
    expect(failure?.kind).toBe('invalid-argument');
    for (const field of ['volumes', 'network', 'env "bad.name"', 'env QUOTED', 'memoryMb']) expect(failure?.detail).toContain(field);
    expect(await bed.runtime.list({ node })).toEqual([]);
  });
});
