import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MigrationError } from '@mcp/sqlite';
import { describeDatabase, type TableShape } from '@mcp/sqlite/testing';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { afterEach, describe, expect, it } from 'vitest';
import { masterMigrations } from './migrations/index.js';
import * as schema from './schema.js';
import { openTempMasterStore, sampleNode, type TempMasterStore } from './testing.js';

// Once a release ships, a migration has run on real masters: editing it would leave their files
// different from new ones. When this fails, undo the edit and add a new migration instead.
const shipped = [[1, 'nodes-placements-edge-routes-snapshots', 'a7b3b2ada494d01d5857b5dd1ac6fcc844f530807691ef96e0b9a26c7ff3978a']] as const;

function history(path: string): unknown[] {
  const sqlite = new Database(path, { readonly: true });
  try {
    return sqlite.prepare('SELECT id, name, applied_at FROM master_migrations ORDER BY id').all();
  } finally {
    sqlite.close();
  }
}

describe('the master database’s migrations', () => {
  let temp: TempMasterStore | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    temp?.cleanup();
    temp = undefined;
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('are unchanged, byte for byte, and keep their ids and names', () => {
    const actual = masterMigrations
      .slice(0, shipped.length)
      .map((migration) => [migration.id, migration.name, createHash('sha256').update(migration.sql).digest('hex')]);
    expect(actual).toEqual(shipped);
  });

  it('apply to a new file and record the history in master_migrations', () => {
    temp = openTempMasterStore();
    expect(temp.store.migration).toEqual({ applied: [1, 2], version: 2 });
    expect(history(temp.path)).toEqual([
      { id: 1, name: 'nodes-placements-edge-routes-snapshots', applied_at: temp.clock.now().getTime() },
      { id: 2, name: 'node-vm-support', applied_at: temp.clock.now().getTime() },
    ]);
    temp.store.close();
    expect(temp.open().migration).toEqual({ applied: [], version: 2 });
  });

  it('refuse a file written by a newer master and leave its rows', () => {
    const opened = openTempMasterStore();
    temp = opened;
    opened.store.upsertNode(sampleNode());
    opened.store.close();
    const sqlite = new Database(opened.path);
    sqlite.exec("INSERT INTO master_migrations VALUES (3, 'from-the-future', 0)");
    sqlite.close();
    expect(() => opened.open()).toThrow(MigrationError);
    expect(() => opened.open()).toThrow(/master database .* newer version.*upgrade mcp-master or restore an older copy/);
    expect(opened.open({ migrations: [...masterMigrations, { id: 3, name: 'from-the-future', sql: '' }] }).listNodes()).toHaveLength(1);
  });

  function shapeOf(build: (sqlite: Database.Database) => void): Record<string, TableShape> {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-master-schema-'));
    const sqlite = new Database(join(dir, 'x.db'));
    cleanups.push(() => {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    });
    build(sqlite);
    return describeDatabase(sqlite);
  }

  it('read a node recorded before vm_support as KVM when it could run VMs, else as none', () => {
    const opened = openTempMasterStore({ migrations: masterMigrations.slice(0, 1) });
    temp = opened;
    opened.store.close();
    const sqlite = new Database(opened.path);
    const insert = sqlite.prepare(
      "INSERT INTO nodes VALUES (?, 'worker', '10.0.0.1:9444', 'amd64', '0.1.0', 'healthy', 0, ?, 0, 0, 0, NULL, NULL, 0)",
    );
    insert.run('vms', 1);
    insert.run('plain', 0);
    sqlite.close();
    const upgraded = opened.open({ migrations: masterMigrations });
    expect(upgraded.migration).toEqual({ applied: [2], version: 2 });
    expect(upgraded.listNodes().map((node) => [node.name, node.vms])).toEqual([
      ['plain', 'none'],
      ['vms', 'kvm'],
    ]);
  });

  it('build the tables schema.ts describes (drizzle-kit’s DDL compared through SQLite’s pragmas)', async () => {
    const ddl = await generateSQLiteMigration(await generateSQLiteDrizzleJson({}), await generateSQLiteDrizzleJson({ ...schema }));
    const expected = shapeOf((sqlite) => ddl.forEach((statement) => sqlite.exec(statement)));
    expect(Object.keys(expected).sort()).toEqual(['edge_routes', 'master_migrations', 'nodes', 'placements', 'snapshots']);
    temp = openTempMasterStore();
    const migrated = new Database(temp.path, { readonly: true });
    cleanups.unshift(() => migrated.close());
    expect(describeDatabase(migrated)).toEqual(expected);
  });
});
