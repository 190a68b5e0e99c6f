// Opens a SQLite file with the settings MCP's databases rely on: WAL, foreign keys, busy timeout.
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { SqliteOpenError } from './errors.js';

export interface OpenSqliteOptions {
  /** How long a write waits for another connection's lock, in milliseconds. */
  readonly busyTimeoutMs: number;
  /** What the file is, for messages: "registry database", "master database". */
  readonly label: string;
}

/** Opens (creating when absent; its directory must exist) and configures the file, or throws SqliteOpenError. */
export function openSqliteFile(path: string, options: OpenSqliteOptions): Database {
  let sqlite: Database;
  try {
    sqlite = new BetterSqlite3(path, { fileMustExist: false });
  } catch (cause) {
    throw new SqliteOpenError(`cannot open ${options.label} ${path}: ${String(cause)}`, { path }, { cause });
  }
  try {
    // Set first, so that switching to WAL below already waits for a concurrent opener.
    sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
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
    throw new SqliteOpenError(`cannot configure ${options.label} ${path}: ${String(cause)}`, { path }, { cause });
  }
  return sqlite;
}
