// Applies the registry's embedded migrations with @mcp/sqlite's runner, history in `registry_migrations`.
import { MigrationError as SqliteMigrationError, applyMigrations as applySqliteMigrations } from '@mcp/sqlite';
import type { Migration, MigrationReport } from '@mcp/sqlite';
import type { Database } from 'better-sqlite3';
import { MigrationError } from './errors.js';
import type { Clock } from './types.js';

export type { Migration, MigrationReport } from '@mcp/sqlite';

/** Brings the database at `path` up to the last of `migrations` (see @mcp/sqlite for the rules). */
export function applyMigrations(
  sqlite: Database,
  migrations: readonly Migration[],
  options: { readonly path: string; readonly clock: Clock },
): MigrationReport {
  try {
    return applySqliteMigrations(sqlite, migrations, {
      path: options.path,
      clock: options.clock,
      table: 'registry_migrations',
      label: 'registry database',
      newerVersionHint: 'upgrade the agent or restore an older copy',
    });
  } catch (error) {
    if (error instanceof SqliteMigrationError) {
      throw new MigrationError(error.message, error.context, { cause: error.cause });
    }
    throw error;
  }
}
