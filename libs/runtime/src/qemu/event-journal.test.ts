// The event journal: lines written by the runtime or the supervisor's prefix parse back; following replays and streams.
import { appendFile, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUntil } from '../testing/index.js';
import { appendEvent, followJournal, journalLinePrefix, parseJournalLine, rotateJournal } from './event-journal.js';
import type { EventSubject } from './event-journal.js';
import { useTempDirs } from './qemu-harness.js';

const subject: EventSubject = { containerId: 'id-1', name: 'web-app', image: 'localhost/vm:1', labels: { 'mcp.node': 'n1', note: 'a "quoted" label' } };

describe('journal lines', () => {
  it('parses a line the supervisor completes from the prefix (action, exit code, time)', () => {
    const line = `${journalLinePrefix(subject)}"action":"die","exitCode":137,"timeMs":1700000000000}`;
    expect(parseJournalLine(line)).toEqual({ ...subject, action: 'die', exitCode: 137, time: new Date(1700000000000) });
  });

  it('skips torn or foreign lines', () => {
    expect(parseJournalLine('{"containerId":"x","na')).toBeUndefined();
    expect(parseJournalLine('{"action":"explode","containerId":"x","name":"n","image":"i","labels":{},"timeMs":1}')).toBeUndefined();
    expect(parseJournalLine('42')).toBeUndefined();
  });
});

describe('followJournal', () => {
  const tempDir = useTempDirs('mcp-journal');

  it('replays events at or after since, then streams new ones', async () => {
    const journal = join(await tempDir(), 'events.jsonl');
    await appendEvent(journal, subject, 'create', { timeMs: 1000 });
    await appendEvent(journal, subject, 'start', { timeMs: 2000 });
    const seen = await readUntil(
      (signal) => followJournal(journal, { since: new Date(2000), signal, pollIntervalMs: 10 }),
      (event, all) => {
        if (all.length === 1) void appendEvent(journal, subject, 'die', { exitCode: 1, timeMs: 3000 });
        return event.action === 'die';
      },
    );
    expect(seen.map((event) => event.action)).toEqual(['start', 'die']);
  });

  it('streams only new events without since, and joins a line written in two parts', async () => {
    const journal = join(await tempDir(), 'events.jsonl');
    await appendEvent(journal, subject, 'create', { timeMs: 1000 });
    const line = `${journalLinePrefix(subject)}"action":"stop","timeMs":5000}\n`;
    let pass = 0;
    const seen = await readUntil(
      (signal) =>
        followJournal(journal, {
          signal,
          pollIntervalMs: 10,
          beforeRead: async () => {
            // First pass: half a line; second: the rest (a writer caught mid-line).
            pass += 1;
            if (pass === 1) await appendFile(journal, line.slice(0, 40));
            if (pass === 2) await appendFile(journal, line.slice(40));
          },
        }),
      (event) => event.action === 'stop',
    );
    expect(seen.map((event) => event.action)).toEqual(['stop']);
  });

  it('carries on from the start of the new file after the journal is rotated', async () => {
    const journal = join(await tempDir(), 'events.jsonl');
    for (const action of ['create', 'start', 'stop'] as const) await appendEvent(journal, subject, action);
    let rotated = false;
    const seen = await readUntil(
      (signal) =>
        followJournal(journal, {
          signal,
          pollIntervalMs: 10,
          beforeRead: async () => {
            if (rotated) return;
            rotated = true;
            // The new file is shorter than where the follower was in the old one.
            await rename(journal, `${journal}.1`);
            await appendEvent(journal, subject, 'remove');
          },
        }),
      (event) => event.action === 'remove',
      2000,
    );
    expect(seen.map((event) => event.action)).toEqual(['remove']);
  });

  it('rotates a journal past its size limit, and leaves a smaller one alone', async () => {
    const dir = await tempDir();
    const journal = join(dir, 'events.jsonl');
    await appendEvent(journal, subject, 'create');
    await rotateJournal(journal, 10_000);
    await appendEvent(journal, subject, 'start');
    await rotateJournal(journal, 10);
    await appendEvent(journal, subject, 'stop');
    expect((await readFile(`${journal}.1`, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2);
    expect((await readFile(journal, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });
});
