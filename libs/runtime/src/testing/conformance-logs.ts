// Conformance tests of logs: both streams, tail, timestamps, since, follow.
import { expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { containerName } from '../types.js';
import type { LogLine } from '../types.js';
import type { ConformanceFixture } from './conformance-fixture.js';
import { readAll, waitForState } from './conformance-fixture.js';
import { specFor } from './conformance-containers.js';

const textsOf = (lines: readonly LogLine[], stream: LogLine['stream']): string[] =>
  lines.filter((line) => line.stream === stream).map((line) => line.text);

export function logConformanceTests(fixture: () => ConformanceFixture): void {
  async function exitedPrinter(
    f: ConformanceFixture,
    stdout: readonly string[],
    stderr: readonly string[] = [],
  ): Promise<string> {
    const { name } = await f.runtime.createAndStart(specFor(f, f.programs.print({ stdout, stderr })));
    await waitForState(f.runtime, name, 'exited');
    return name;
  }

  it('returns stdout and stderr lines, each tagged with its stream, in order', async () => {
    const f = fixture();
    const name = await exitedPrinter(f, ['out one', 'out two'], ['err one', 'err two']);
    const lines = await readAll((signal) => f.runtime.logs(name, { signal }));
    expect(textsOf(lines, 'stdout')).toEqual(['out one', 'out two']);
    expect(textsOf(lines, 'stderr')).toEqual(['err one', 'err two']);
  });

  it('returns only the last N lines with tail', async () => {
    const f = fixture();
    const name = await exitedPrinter(f, ['1', '2', '3', '4', '5']);
    const lines = await readAll((signal) => f.runtime.logs(name, { tail: 2, signal }));
    expect(lines.map((line) => line.text)).toEqual(['4', '5']);
  });

  it('attaches a timestamp to each line when asked, and none otherwise', async () => {
    const f = fixture();
    const before = Date.now();
    const name = await exitedPrinter(f, ['stamped']);
    const stamped = await readAll((signal) => f.runtime.logs(name, { timestamps: true, signal }));
    expect(stamped.map((line) => line.text)).toEqual(['stamped']);
    const time = stamped[0]?.timestamp?.getTime() ?? Number.NaN;
    // Backends may round down to whole seconds.
    expect(time).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(time).toBeLessThanOrEqual(Date.now());
    const plain = await readAll((signal) => f.runtime.logs(name, { signal }));
    expect(plain[0]?.timestamp).toBeUndefined();
  });

  it('leaves out lines logged before since', async () => {
    const f = fixture();
    const name = await exitedPrinter(f, ['old']);
    const later = new Date(Date.now() + 60_000);
    const lines = await readAll((signal) => f.runtime.logs(name, { since: later, signal }));
    expect(lines).toEqual([]);
  });

  it('follows new lines until the container exits, then ends', async () => {
    const f = fixture();
    const program = f.programs.print({ stdout: ['first'], laterStdout: ['second', 'third'], pauseMs: 1000 });
    const { name } = await f.runtime.createAndStart(specFor(f, program));
    const lines = await readAll((signal) => f.runtime.logs(name, { follow: true, signal }));
    expect(textsOf(lines, 'stdout')).toEqual(['first', 'second', 'third']);
    expect((await f.runtime.inspect(name)).state).toBe('exited');
  });

  it('throws NotFoundError for the logs of a missing container', async () => {
    const f = fixture();
    const name = containerName(f.uniqueName('missing'), 'main');
    const failure = await readAll((signal) => f.runtime.logs(name, { signal })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
  });
}
