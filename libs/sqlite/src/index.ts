// Public surface of @mcp/sqlite: open a SQLite file the way MCP's databases need it, and migrate it.
export { openSqliteFile } from './open-sqlite.js';
export type { OpenSqliteOptions } from './open-sqlite.js';
export { applyMigrations } from './migrate.js';
export type { Migration, MigrationOptions, MigrationReport } from './migrate.js';
export { MigrationError, SqliteOpenError } from './errors.js';
export type { SqliteErrorContext } from './errors.js';
