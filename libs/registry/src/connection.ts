// Opens the registry's SQLite file (WAL, foreign keys, busy timeout: @mcp/sqlite) behind drizzle.
import { SqliteOpenError, openSqliteFile } from '@mcp/sqlite';
import type { Database } from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { RegistryOpenError } from './errors.js';
import * as schema from './schema.js';

export type RegistryDb = BetterSQLite3Database<typeof schema>;

export interface Connection {
  readonly sqlite: Database;
  readonly db: RegistryDb;
}

export function openConnection(path: string, busyTimeoutMs: number): Connection {
  let sqlite: Database;
  try {
    sqlite = openSqliteFile(path, { busyTimeoutMs, label: 'registry database' });
  } catch (error) {
    // The registry's callers know its own error classes; the message is already the full story.
    if (error instanceof SqliteOpenError) throw new RegistryOpenError(error.message, { path }, { cause: error.cause });
    throw error;
  }
  return { sqlite, db: drizzle(sqlite, { schema }) };
}
