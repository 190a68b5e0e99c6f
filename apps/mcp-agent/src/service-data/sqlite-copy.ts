// Consistent copies of SQLite files with VACUUM INTO, taken while the service keeps writing to them.
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** How long a copy waits for a writer's lock before giving up (a checkpoint or a long write transaction). */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

// Runs in a worker thread: a large database takes seconds to copy, and the agent's event loop keeps serving
// heartbeats and other RPCs meanwhile. CommonJS because an eval'd worker is a script.
const VACUUM_WORKER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.source, { readonly: true, fileMustExist: true, timeout: workerData.busyTimeoutMs });
try {
  db.prepare('VACUUM INTO ?').run(workerData.destination);
} finally {
  db.close();
}
`;

/** Whether the file starts with SQLite's header string (whatever its name: `.db`, `.sqlite`, none). */
export async function isSqliteFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(SQLITE_MAGIC.length);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    return bytesRead === header.length && header.equals(SQLITE_MAGIC);
  } finally {
    await handle.close();
  }
}

/**
 * Writes a consistent copy of the database at `source` to `destination` (which must not exist): one read
 * transaction, so the copy holds every transaction committed before it began and none after, including what
 * still sits in the `-wal` file. The source is opened read-only and never changed.
 */
export function vacuumInto(source: string, destination: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(VACUUM_WORKER, {
      eval: true,
      workerData: { module: betterSqlite3, source, destination, busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS },
    });
    let failure: Error | undefined;
    worker.once('error', (error) => {
      failure = error;
    });
    worker.once('exit', (code) => {
      if (failure !== undefined) reject(failure);
      else if (code !== 0) reject(new Error(`VACUUM INTO of ${source} stopped with exit code ${code}`));
      else resolve();
    });
  });
}
