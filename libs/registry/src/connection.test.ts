import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConnection } from './connection.js';
import type { Connection } from './connection.js';
import { RegistryOpenError } from './errors.js';

describe('the registry connection', () => {
  let dir: string;
  let connection: Connection | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-registry-connection-'));
  });
  afterEach(() => {
    connection?.sqlite.close();
    connection = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the file in WAL mode, which another connection then sees', () => {
    const path = join(dir, 'registry.db');
    connection = openConnection(path, 5000);
    const other = new Database(path, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      other.close();
    }
  });

  it('turns foreign key enforcement on', () => {
    connection = openConnection(join(dir, 'registry.db'), 5000);
    connection.sqlite.exec('CREATE TABLE parent (id integer PRIMARY KEY)');
    connection.sqlite.exec('CREATE TABLE child (parent integer REFERENCES parent(id))');
    expect(() => connection?.sqlite.exec('INSERT INTO child VALUES (42)')).toThrow(/FOREIGN KEY/);
  });

  it('sets the busy timeout it is given', () => {
    connection = openConnection(join(dir, 'registry.db'), 1234);
    expect(connection.sqlite.pragma('busy_timeout', { simple: true })).toBe(1234);
  });

  it('reports a file it cannot open with its path', () => {
    const path = join(dir, 'missing-dir', 'registry.db');
    expect(() => openConnection(path, 5000)).toThrow(RegistryOpenError);
    expect(() => openConnection(path, 5000)).toThrow(path);
  });
});
