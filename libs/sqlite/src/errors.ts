// Typed errors of opening and migrating a SQLite file; each user may wrap them in its own error classes.

export interface SqliteErrorContext {
  readonly path: string;
  readonly migrationId?: number;
  readonly migrationName?: string;
}

/** The database file could not be opened or configured (WAL, foreign keys, busy timeout). */
export class SqliteOpenError extends Error {
  readonly context: SqliteErrorContext;

  constructor(message: string, context: SqliteErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqliteOpenError';
    this.context = Object.freeze({ ...context });
  }
}

/**
 * The database cannot be brought to this version's schema: it was written by a newer version, its
 * migration history differs from ours, a migration failed (rolled back), or the list itself is wrong.
 */
export class MigrationError extends Error {
  readonly context: SqliteErrorContext;

  constructor(message: string, context: SqliteErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
    this.context = Object.freeze({ ...context });
  }
}
