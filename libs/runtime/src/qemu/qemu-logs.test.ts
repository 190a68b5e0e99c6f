// A real VM's logs are its serial console: order, tail, timestamps, since, follow, and NotFound.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import type { ContainerSpec, LogLine } from '../types.js';
import { readAll, waitForState } from '../testing/index.js';
import { VM_ARGS_MARKER, qemuSkipReason, removeNodeVms, startQemuTestBed, uniqueName, uniqueNode } from './qemu-harness.js';
import type { QemuTestBed } from './qemu-harness.js';

const skip = await qemuSkipReason();

/** The lines the program printed: those after init's echo of its arguments. */
function printed(lines: readonly LogLine[]): string[] {
  const texts = lines.map((line) => line.text);
  return texts.slice(texts.findIndex((text) => text.startsWith(VM_ARGS_MARKER)) + 1);
}

describe.skipIf(skip !== undefined)(`qemu VM logs${skip === undefined ? '' : ` (skipped: ${skip})`}`, { timeout: 90_000 }, () => {
  let bed: QemuTestBed;
  const node = uniqueNode();
  // EXIT_CODE 1 leaves through isa-debug-exit at once, so the kernel prints nothing after the program's lines.
  const printer = (lines: readonly string[]): ContainerSpec => ({
    service: uniqueName('vm'),
    component: 'main',
    node,
    image: bed.image,
    cmd: ['print', ...lines],
    env: { EXIT_CODE: '1' },
  });
  async function exitedPrinter(lines: readonly string[]): Promise<string> {
    const { name } = await bed.runtime.createAndStart(printer(lines));
    await waitForState(bed.runtime, name, 'exited', 60_000);
    return name;
  }

  beforeAll(async () => {
    bed = await startQemuTestBed();
  }, 600_000);
  afterAll(() => bed.stop(), 60_000);
  afterEach(() => removeNodeVms(bed.runtime, node), 60_000);

  it('returns the console lines the guest printed, in order, as stdout', async () => {
    const name = await exitedPrinter(['out one', 'out two']);
    const lines = await readAll((signal) => bed.runtime.logs(name, { signal }));
    expect(printed(lines)).toEqual(['out one', 'out two']);
    expect(new Set(lines.map((line) => line.stream))).toEqual(new Set(['stdout']));
  });

  it('returns only the last N lines with tail', async () => {
    const name = await exitedPrinter(['1', '2', '3', '4', '5']);
    const lines = await readAll((signal) => bed.runtime.logs(name, { tail: 2, signal }));
    expect(lines.map((line) => line.text)).toEqual(['4', '5']);
  });

  it('attaches a whole-second timestamp to each line when asked, and none otherwise', async () => {
    const before = Date.now();
    const name = await exitedPrinter(['stamped']);
    const stamped = await readAll((signal) => bed.runtime.logs(name, { timestamps: true, signal }));
    const time = stamped.at(-1)?.timestamp?.getTime() ?? Number.NaN;
    expect(time).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(time % 1000).toBe(0);
    const plain = await readAll((signal) => bed.runtime.logs(name, { signal }));
    expect(plain.every((line) => line.timestamp === undefined)).toBe(true);
  });

  it('leaves out lines logged before since', async () => {
    const name = await exitedPrinter(['old']);
    const later = new Date(Date.now() + 60_000);
    expect(await readAll((signal) => bed.runtime.logs(name, { since: later, signal }))).toEqual([]);
  });

  it('follows new lines until the VM exits, then ends', async () => {
    const { name } = await bed.runtime.createAndStart(printer(['first', '@sleep:1', 'second', 'third']));
    const lines = await readAll((signal) => bed.runtime.logs(name, { follow: true, signal }), 60_000);
    expect(printed(lines)).toEqual(['first', 'second', 'third']);
    expect((await bed.runtime.inspect(name)).state).toBe('exited');
  });

  it('throws NotFoundError for the logs of a missing VM', async () => {
    const name = `${uniqueName('missing')}-main`;
    const failure = await readAll((signal) => bed.runtime.logs(name, { signal })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
  });
});
