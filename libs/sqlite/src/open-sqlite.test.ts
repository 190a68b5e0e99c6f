import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteOpenError } from './errors.js';
import { openSqliteFile } from './open-sqlite.js';

describe('openSqliteFile', () => {
  let dir: string;
  let sqlite: SqliteDatabase | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-sqlite-open-'));
  });
  afterEach(() => {
    sqlite?.close();
    sqlite = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the file in WAL mode, which another connection then sees', () => {
    const path = join(dir, 'x.db');
    sqlite = openSqliteFile(path, { busyTimeoutMs: 5000, label: 'test database' });
    const other = new Database(path, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      other.close();
    }
  });

  it('turns foreign key enforcement on', () => {
    sqlite = openSqliteFile(join(dir, 'x.db'), { busyTimeoutMs: 5000, label: 'test database' });
    sqlite.exec('CREATE TABLE parent (id integer PRIMARY KEY)');
    sqlite.exec('CREATE TABLE child (parent integer REFERENCES parent(id))');
    expect(() => sqlite?.exec('INSERT INTO child VALUES (42)')).toThrow(/FOREIGN KEY/);
  });

  it('sets the busy timeout it is given', () => {
    sqlite = openSqliteFile(join(dir, 'x.db'), { busyTimeoutMs: 1234, label: 'test database' });
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(1234);
  });

  it('reports a file it cannot open with its label and path', () => {
    const path = join(dir, 'missing-dir', 'x.db');
    const open = () => openSqliteFile(path, { busyTimeoutMs: 5000, label: 'master database' });
    expect(open).toThrow(SqliteOpenError);
    expect(open).toThrow(`cannot open master database ${path}`);
  });
});
