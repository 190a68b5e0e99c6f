// Opens the SQLite file with the settings the registry relies on: WAL, foreign keys, busy timeout.
import BetterSqlite3 from 'better-sqlite3';
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
    sqlite = new BetterSqlite3(path, { fileMustExist: false });
  } catch (cause) {
    throw new RegistryOpenError(
      `cannot open registry database ${path}: ${String(cause)}`,
      { path },
      { cause },
    );
  }
  try {
    // Set first, so that switching to WAL below already waits for a concurrent opener.
    sqlite.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    const mode = sqlite.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new Error(`journal_mode is "${String(mode)}" after asking for WAL`);
    }
    // In WAL mode NORMAL loses no committed transaction when the process dies (kill -9);
    // only a power cut can drop the last few.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    if (sqlite.pragma('foreign_keys', { simple: true }) !== 1) {
      throw new Error('foreign_keys stayed off');
    }
  } catch (cause) {
    sqlite.close();
    throw new RegistryOpenError(
      `cannot configure registry database ${path}: ${String(cause)}`,
      { path },
      { cause },
    );
  }
  return { sqlite, db: drizzle(sqlite, { schema }) };
}
