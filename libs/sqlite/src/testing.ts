// Test helpers (the `@mcp/sqlite/testing` entry): SQLite's own description of a database's tables, so a
// schema (drizzle-kit's DDL) and the migrations can be compared whatever the spelling of their SQL.
import type { Database } from 'better-sqlite3';

export interface TableShape {
  readonly columns: unknown[];
  readonly foreignKeys: unknown[];
  readonly indexes: unknown[];
  readonly checks: string[];
}

/** Columns, foreign keys, indexes (with their columns) and CHECK clauses of every table, by name. */
export function describeDatabase(sqlite: Database): Record<string, TableShape> {
  const tables = sqlite
    .prepare<[], { name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all();
  return Object.fromEntries(
    tables.map(({ name, sql }) => [
      name,
      {
        columns: sqlite.prepare('SELECT * FROM pragma_table_xinfo(?) ORDER BY cid').all(name),
        foreignKeys: sqlite.prepare('SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(name),
        indexes: sqlite
          .prepare<[string], { name: string; unique: number; origin: string; partial: number }>(
            'SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name',
          )
          .all(name)
          .map((index) => ({
            ...index,
            // Auto-index names (sqlite_autoindex_t_1) depend on constraint order only.
            columns: sqlite
              .prepare('SELECT seqno, name, "desc", coll, key FROM pragma_index_xinfo(?) ORDER BY seqno')
              .all(index.name),
          })),
        checks: checkConstraints(sql),
      },
    ]),
  );
}

/** `CONSTRAINT "x" CHECK(...)` clauses, quoting and spacing normalised. */
export function checkConstraints(createSql: string): string[] {
  const normalised = createSql.replace(/[`"]/g, '').replace(/\s+/g, ' ');
  return [...normalised.matchAll(/CONSTRAINT (\w+) CHECK ?\((.*?)\)(?=,|\s*\)\s*$)/g)]
    .map((match) => `${match[1]}: ${match[2]}`)
    .sort();
}
