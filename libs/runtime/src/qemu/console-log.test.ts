// A VM's console log: lines with whole-second stamps, since/tail selection, and following until the VM is finished.
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll } from '../testing/index.js';
import { parseConsoleLine, readConsole, selectLines } from './console-log.js';
import { useTempDirs } from './qemu-harness.js';

describe('console lines', () => {
  it('splits the supervisor stamp (epoch seconds) from the text, keeping spaces and empty text', () => {
    expect(parseConsoleLine('1700000000 hello  world ')).toEqual({ text: 'hello  world ', timeMs: 1700000000000 });
    expect(parseConsoleLine('1700000000 ')).toEqual({ text: '', timeMs: 1700000000000 });
    expect(parseConsoleLine('no stamp')).toEqual({ text: 'no stamp' });
  });

  it('keeps lines of the same second as since (the log has whole seconds), then applies tail', () => {
    const lines = [
      { text: 'a', timeMs: 1000 },
      { text: 'b', timeMs: 2000 },
      { text: 'c', timeMs: 2000 },
      { text: 'd', timeMs: 3000 },
    ];
    expect(selectLines(lines, { since: new Date(2500) }).map((line) => line.text)).toEqual(['b', 'c', 'd']);
    expect(selectLines(lines, { since: new Date(2500), tail: 2 }).map((line) => line.text)).toEqual(['c', 'd']);
    expect(selectLines(lines, { tail: 0 })).toEqual([]);
  });
});

describe('readConsole', () => {
  const tempDir = useTempDirs('mcp-console');

  it('returns complete lines only, as stdout, stamped when asked', async () => {
    const path = join(await tempDir(), 'console.log');
    await writeFile(path, '1700000000 one\n1700000001 two\n1700000002 half a li');
    const lines = await readAll((signal) => readConsole(path, { timestamps: true, signal }, { finished: async () => true }));
    expect(lines).toEqual([
      { stream: 'stdout', text: 'one', timestamp: new Date(1700000000000) },
      { stream: 'stdout', text: 'two', timestamp: new Date(1700000001000) },
    ]);
  });

  it('follows appended lines and ends once the VM is finished and everything is read', async () => {
    const path = join(await tempDir(), 'console.log');
    await writeFile(path, '1700000000 first\n');
    let checks = 0;
    const lines = await readAll((signal) =>
      readConsole(path, { follow: true, signal }, {
        pollIntervalMs: 10,
        finished: async () => {
          checks += 1;
          if (checks === 2) await appendFile(path, '1700000001 second\n');
          // Finished while the last line is still unread: it must come out all the same.
          if (checks === 3) await appendFile(path, '1700000002 last\n');
          return checks >= 3;
        },
      }),
    );
    expect(lines.map((line) => line.text)).toEqual(['first', 'second', 'last']);
  });

  it('reads a missing log as empty (the VM has not written yet)', async () => {
    const path = join(await tempDir(), 'absent.log');
    expect(await readAll((signal) => readConsole(path, { signal }, { finished: async () => true }))).toEqual([]);
  });
});
