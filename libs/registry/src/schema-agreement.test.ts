import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeDatabase, type TableShape } from '@mcp/sqlite/testing';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { afterEach, describe, expect, it } from 'vitest';
import type { Migration } from './migrate.js';
import { shippedMigrations } from './migrations/index.js';
import * as schema from './schema.js';
import { openTempRegistry } from './testing.js';

// The expected side is the DDL drizzle-kit generates from schema.ts, run in a fresh file; the
// actual side is a file built by the migrations. SQLite itself describes both (pragmas, through
// @mcp/sqlite/testing), so the comparison does not depend on how either SQL text is spelled. (drizzle-kit's own
// introspection is not used: 0.31.11 attaches every table's CHECKs to every table.)

async function drizzleKitDdl(): Promise<string[]> {
  const empty = await generateSQLiteDrizzleJson({});
  const current = await generateSQLiteDrizzleJson({ ...schema });
  return generateSQLiteMigration(empty, current);
}

describe('schema.ts and the migrations', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function expectedShape(ddl: readonly string[]): Record<string, TableShape> {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-registry-expected-'));
    const sqlite = new Database(join(dir, 'expected.db'));
    cleanups.push(() => {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    });
    for (const statement of ddl) sqlite.exec(statement);
    return describeDatabase(sqlite);
  }

  function migratedShape(migrations: readonly Migration[]): Record<string, TableShape> {
    const temp = openTempRegistry({ migrations });
    cleanups.push(temp.cleanup);
    const sqlite = new Database(temp.path, { readonly: true });
    cleanups.unshift(() => sqlite.close());
    return describeDatabase(sqlite);
  }

  it('describe the same tables, columns, keys, indexes and checks', async () => {
    const expected = expectedShape(await drizzleKitDdl());
    expect(Object.keys(expected)).toContain('components');
    expect(migratedShape(shippedMigrations)).toEqual(expected);
  });

  it('differ visibly when a migration is missing', async () => {
    const expected = expectedShape(await drizzleKitDdl());
    expect(migratedShape(shippedMigrations.slice(0, 1))).not.toEqual(expected);
  });

  it('differ visibly when a migration declares a column differently from schema.ts', async () => {
    const expected = expectedShape(await drizzleKitDdl());
    const [first, second] = shippedMigrations as [Migration, Migration];
    const loosened: Migration = {
      ...second,
      sql: second.sql.replace('`message` text NOT NULL', '`message` text'),
    };
    expect(loosened.sql).not.toEqual(second.sql);
    expect(migratedShape([first, loosened])).not.toEqual(expected);
  });

  it('differ visibly when a check constraint differs', async () => {
    const expected = expectedShape(await drizzleKitDdl());
    const [first, second] = shippedMigrations as [Migration, Migration];
    const widened: Migration = {
      ...first,
      sql: first.sql.replace("IN ('l4', 'l7')", "IN ('l4', 'l7', 'l3')"),
    };
    expect(widened.sql).not.toEqual(first.sql);
    expect(migratedShape([widened, second])).not.toEqual(expected);
  });
});
