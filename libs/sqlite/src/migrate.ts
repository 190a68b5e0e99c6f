// Applies ordered, embedded SQL migrations, one transaction each, and refuses databases from newer versions.
import type { Database } from 'better-sqlite3';
import { MigrationError } from './errors.js';

/** One schema step. Shipped migrations are never edited: a change is a new migration. */
export interface Migration {
  /** 1, 2, 3, … with no gaps; the order of application. */
  readonly id: number;
  /** Stable name recorded with the id, so a different history is recognised. */
  readonly name: string;
  /** Statements run with `exec` inside the migration's transaction. */
  readonly sql: string;
}

export interface MigrationReport {
  /** Ids applied by this call (empty when the database was already current). */
  readonly applied: readonly number[];
  /** Highest id the database now has. */
  readonly version: number;
}

export interface MigrationOptions {
  /** The file, for messages. */
  readonly path: string;
  /** Stamps `applied_at`. */
  readonly clock: { now(): Date };
  /** Table that records the history (`registry_migrations`, `master_migrations`): id, name, applied_at. */
  readonly table: string;
  /** What the file is, for messages: "registry database". */
  readonly label: string;
  /** What an operator should do with a file from a newer version: "upgrade the agent or restore an older copy". */
  readonly newerVersionHint: string;
}

interface AppliedRow {
  readonly id: number;
  readonly name: string;
}

const tableName = /^[a-z_][a-z0-9_]*$/;

/**
 * Brings the database up to the last of `migrations`. Each pending migration runs in its own
 * IMMEDIATE transaction that re-reads the history first, so two processes opening the same file
 * at once apply each migration exactly once.
 */
export function applyMigrations(
  sqlite: Database,
  migrations: readonly Migration[],
  options: MigrationOptions,
): MigrationReport {
  if (!tableName.test(options.table)) {
    throw new MigrationError(`migrations table name "${options.table}" is not a plain SQL name`, { path: options.path });
  }
  checkMigrationList(migrations, options.path);
  // Bootstrap outside the numbered migrations: the runner needs it to know what is applied.
  sqlite.exec(`CREATE TABLE IF NOT EXISTS \`${options.table}\` (
	\`id\` integer PRIMARY KEY NOT NULL,
	\`name\` text NOT NULL,
	\`applied_at\` integer NOT NULL
);`);
  const readHistory = sqlite.prepare<[], AppliedRow>(`SELECT id, name FROM ${options.table} ORDER BY id`);
  const record = sqlite.prepare<[number, string, number]>(
    `INSERT INTO ${options.table} (id, name, applied_at) VALUES (?, ?, ?)`,
  );
  const applied: number[] = [];
  // An empty history still has to be checked against a newer database's rows.
  sqlite.transaction(() => checkHistory(readHistory.all(), migrations, options))();
  for (const migration of migrations) {
    const apply = sqlite.transaction(() => {
      const history = readHistory.all();
      checkHistory(history, migrations, options);
      if (history.some((row) => row.id === migration.id)) return;
      try {
        sqlite.exec(migration.sql);
      } catch (cause) {
        throw new MigrationError(
          `migration ${migration.id} "${migration.name}" failed on ${options.path} and was rolled back: ${String(cause)}`,
          { path: options.path, migrationId: migration.id, migrationName: migration.name },
          { cause },
        );
      }
      record.run(migration.id, migration.name, options.clock.now().getTime());
      applied.push(migration.id);
    });
    apply.immediate();
  }
  const last = migrations[migrations.length - 1];
  return { applied, version: last === undefined ? 0 : last.id };
}

function checkMigrationList(migrations: readonly Migration[], path: string): void {
  migrations.forEach((migration, index) => {
    if (migration.id !== index + 1) {
      throw new MigrationError(
        `migration list is out of order: position ${index + 1} holds migration ${migration.id} "${migration.name}"; ids must run 1, 2, 3, … without gaps`,
        { path, migrationId: migration.id, migrationName: migration.name },
      );
    }
  });
}

/** The recorded history must be a prefix of ours, name for name. */
function checkHistory(history: readonly AppliedRow[], migrations: readonly Migration[], options: MigrationOptions): void {
  const { path, label } = options;
  history.forEach((row, index) => {
    const known = migrations.find((migration) => migration.id === row.id);
    if (known === undefined) {
      throw new MigrationError(
        `${label} ${path} was written by a newer version: it records migration ${row.id} "${row.name}", which this version does not know (it knows up to ${migrations.length}); refusing to open it — ${options.newerVersionHint}`,
        { path, migrationId: row.id, migrationName: row.name },
      );
    }
    if (known.name !== row.name) {
      throw new MigrationError(
        `${label} ${path} has a different history: migration ${row.id} is recorded as "${row.name}" but this version's migration ${row.id} is "${known.name}"; refusing to open it`,
        { path, migrationId: row.id, migrationName: row.name },
      );
    }
    if (row.id !== index + 1) {
      throw new MigrationError(
        `${label} ${path} has a gap in its history: migration ${index + 1} "${migrations[index]?.name ?? '?'}" is not recorded but migration ${row.id} is; refusing to open it`,
        { path, migrationId: row.id, migrationName: row.name },
      );
    }
  });
}
