import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationError } from './errors.js';
import { applyMigrations, type Migration, type MigrationOptions } from './migrate.js';
import { openSqliteFile } from './open-sqlite.js';

const first: Migration = { id: 1, name: 'things', sql: 'CREATE TABLE things (name text PRIMARY KEY NOT NULL);' };
const second: Migration = { id: 2, name: 'thing-colours', sql: "ALTER TABLE things ADD colour text NOT NULL DEFAULT 'red';" };
const at = new Date('2025-03-01T10:00:00.000Z');

describe('applyMigrations', () => {
  let dir: string;
  let path: string;
  const handles: SqliteDatabase[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-sqlite-migrate-'));
    path = join(dir, 'x.db');
  });
  afterEach(() => {
    for (const handle of handles.splice(0)) handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(): SqliteDatabase {
    const sqlite = openSqliteFile(path, { busyTimeoutMs: 5000, label: 'test database' });
    handles.push(sqlite);
    return sqlite;
  }

  function options(): MigrationOptions {
    return { path, clock: { now: () => at }, table: 'test_migrations', label: 'test database', newerVersionHint: 'upgrade the test' };
  }

  function history(sqlite: SqliteDatabase): unknown[] {
    return sqlite.prepare('SELECT id, name, applied_at FROM test_migrations ORDER BY id').all();
  }

  it('applies every migration to a new file and records each in the named table with the clock time', () => {
    const sqlite = open();
    expect(applyMigrations(sqlite, [first, second], options())).toEqual({ applied: [1, 2], version: 2 });
    expect(history(sqlite)).toEqual([
      { id: 1, name: 'things', applied_at: at.getTime() },
      { id: 2, name: 'thing-colours', applied_at: at.getTime() },
    ]);
  });

  it('applies nothing when the file is already current', () => {
    applyMigrations(open(), [first, second], options());
    expect(applyMigrations(open(), [first, second], options())).toEqual({ applied: [], version: 2 });
  });

  it('upgrades a file written by an older version and keeps its rows', () => {
    const old = open();
    applyMigrations(old, [first], options());
    old.exec("INSERT INTO things (name) VALUES ('kept')");
    const sqlite = open();
    expect(applyMigrations(sqlite, [first, second], options()).applied).toEqual([2]);
    expect(sqlite.prepare('SELECT name, colour FROM things').all()).toEqual([{ name: 'kept', colour: 'red' }]);
  });

  it('refuses a file written by a newer version, with the hint, and leaves it as it was', () => {
    applyMigrations(open(), [first, second], options());
    const sqlite = open();
    expect(() => applyMigrations(sqlite, [first], options())).toThrow(MigrationError);
    expect(() => applyMigrations(sqlite, [first], options())).toThrow(
      /test database .* was written by a newer version: it records migration 2 "thing-colours".*upgrade the test/,
    );
    expect(history(sqlite)).toHaveLength(2);
  });

  it('refuses a file whose history names a migration differently', () => {
    applyMigrations(open(), [first], options());
    const renamed: Migration = { ...first, name: 'stuff' };
    expect(() => applyMigrations(open(), [renamed], options())).toThrow(/different history.*"things".*"stuff"/);
  });

  it('refuses a file with a gap in its history', () => {
    const sqlite = open();
    applyMigrations(sqlite, [first, second], options());
    sqlite.exec('DELETE FROM test_migrations WHERE id = 1');
    expect(() => applyMigrations(open(), [first, second], options())).toThrow(/gap in its history/);
  });

  it('rolls back a migration that fails halfway and records none of it', () => {
    const broken: Migration = { id: 2, name: 'broken', sql: 'CREATE TABLE half_done (x integer); INSERT INTO nowhere VALUES (1);' };
    const sqlite = open();
    expect(() => applyMigrations(sqlite, [first, broken], options())).toThrow(/migration 2 "broken" failed.*rolled back/);
    expect(sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").all()).toEqual([]);
    expect(history(sqlite)).toHaveLength(1);
  });

  it('refuses a migration list that is out of order', () => {
    expect(() => applyMigrations(open(), [second, first], options())).toThrow(/out of order/);
  });

  it('refuses a history table name that is not a plain SQL name', () => {
    expect(() => applyMigrations(open(), [first], { ...options(), table: 'x; DROP TABLE things' })).toThrow(MigrationError);
  });
});
