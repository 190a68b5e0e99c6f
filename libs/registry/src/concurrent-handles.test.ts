import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openTempRegistry, sampleService } from './testing.js';
import type { TempRegistry } from './testing.js';

describe('two handles on one file', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('see each other’s committed writes', () => {
    temp = openTempRegistry();
    const other = temp.open();
    temp.registry.upsertService(sampleService({ comment: 'from the first' }));
    expect(other.getService('app').comment).toBe('from the first');
  });

  it('let a reader read the last committed state while a writer holds its transaction open', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService({ comment: 'committed' }));
    const reader = temp.open({ busyTimeoutMs: 0 });
    const writer = new Database(temp.path);
    try {
      writer.exec("BEGIN IMMEDIATE; UPDATE services SET comment = 'pending' WHERE name = 'app'");
      // With busy_timeout 0 a blocked read would throw SQLITE_BUSY at once; in WAL it is not blocked.
      expect(reader.getService('app').comment).toBe('committed');
      writer.exec('COMMIT');
      expect(reader.getService('app').comment).toBe('pending');
    } finally {
      writer.close();
    }
  });

  it('refuse a write while another holds the lock past the busy timeout, then accept it', () => {
    temp = openTempRegistry();
    const impatient = temp.open({ busyTimeoutMs: 0 });
    const writer = new Database(temp.path);
    try {
      writer.exec('BEGIN IMMEDIATE');
      // Proves the lock is real: with no patience the registry's write is refused ...
      expect(() => impatient.upsertService(sampleService())).toThrow(/locked|busy/i);
      writer.exec('ROLLBACK');
      // ... and goes through once the other writer is done.
      expect(impatient.upsertService(sampleService()).name).toBe('app');
    } finally {
      writer.close();
    }
  });
});
