// Streams a tar.zst of /srv/<service>/: entries chosen by archive-selection.ts, SQLite files as VACUUM INTO copies.
// Memory stays flat whatever the size: files are read as streams, and each stage waits for the next (back-pressure
// runs from the consumer of `chunks` through zstd's pipes and the tar packer down to the file reads).
import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pack as createPack, type Pack } from 'tar-stream';
import { archiveSelection, type ArchiveSelection, type EntryKind, type SnapshotMethod } from './archive-selection.js';
import { symlinkTargetProblem } from './archive-rules.js';
import { isSqliteFile, vacuumInto } from './sqlite-copy.js';
import { startCompressor } from './zstd-process.js';

export interface ExportArchiveOptions {
  /** /srv/<service>/ itself. */
  readonly serviceDir: string;
  /** Where the SQLite copies are written for a moment, on the same disk as the data (not in the service dir). */
  readonly scratchDir: string;
  readonly method: SnapshotMethod;
  readonly excludes: readonly string[];
  readonly zstdPath?: string;
}

/** What went into the archive, filled while `chunks` is read; complete once it has ended. */
export interface ArchiveStats {
  files: number;
  /** SQLite files copied with VACUUM INTO, relative paths. */
  readonly databases: string[];
  /** Entries left out for a reason other than the selection (a symlink leading out, a file gone meanwhile). */
  readonly skipped: { path: string; reason: string }[];
}

export interface ExportArchive {
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly stats: ArchiveStats;
}

/** A file that changed size while it was read: the archive would not hold what its header says. */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
  constructor(readonly path: string, expectedBytes: number, readBytes: number) {
    super(
      `file ${JSON.stringify(path)} shrank from ${expectedBytes} to ${readBytes} bytes while it was archived; ` +
        'exclude it ([snapshot] exclude) or snapshot the service while it is stopped',
    );
  }
}

function kindOf(stats: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): EntryKind {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

function isGone(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

const EMPTY = new Uint8Array(0);

/** Adds one entry and resolves once the packer has taken all of its bytes. */
function addEntry(pack: Pack, header: Parameters<Pack['entry']>[0], content?: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    if (content === undefined) pack.entry(header, EMPTY, done);
    else pipeline(content, pack.entry(header, done)).catch(reject);
  });
}

interface Walk {
  readonly pack: Pack;
  readonly options: ExportArchiveOptions;
  readonly selection: ArchiveSelection;
  readonly keepDirectories: boolean;
  readonly stats: ArchiveStats;
  copies: number;
  readonly scratch: string;
}

/** Streams exactly `size` bytes of a file into the packer; less than that means it shrank meanwhile. */
async function addFile(walk: Walk, relative: string, source: string, header: { mode: number; mtime: Date; uid: number; gid: number }) {
  const stats = await lstat(source);
  let read = 0;
  const stream = stats.size === 0 ? undefined : createReadStream(source, { start: 0, end: stats.size - 1 });
  stream?.on('data', (chunk) => {
    read += chunk.length;
  });
  await addEntry(walk.pack, { ...header, name: relative, type: 'file', size: stats.size }, stream).catch((error: unknown) => {
    if (stream !== undefined && read < stats.size) throw new FileChangedError(relative, stats.size, read);
    throw error;
  });
}

async function addPath(walk: Walk, relative: string, absolute: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(absolute);
  } catch (error) {
    if (isGone(error)) return;
    throw error;
  }
  const kind = kindOf(stats);
  const header = { mode: stats.mode & 0o7777, mtime: stats.mtime, uid: stats.uid, gid: stats.gid };
  if (kind === 'directory') {
    if (!walk.selection.descend(relative)) return;
    if (walk.keepDirectories) await addEntry(walk.pack, { ...header, name: `${relative}/`, type: 'directory' });
    await addChildren(walk, relative, absolute);
    return;
  }
  if (!walk.selection.take(relative, kind)) return;
  if (kind === 'symlink') {
    const target = await readlink(absolute);
    const problem = symlinkTargetProblem(target);
    if (problem !== undefined) {
      walk.stats.skipped.push({ path: relative, reason: `symlink to ${JSON.stringify(target)} ${problem}` });
      return;
    }
    await addEntry(walk.pack, { ...header, name: relative, type: 'symlink', linkname: target });
    walk.stats.files += 1;
    return;
  }
  try {
    if (await isSqliteFile(absolute)) {
      const copy = join(walk.scratch, `copy-${walk.copies++}.db`);
      await vacuumInto(absolute, copy);
      try {
        await addFile(walk, relative, copy, header);
      } finally {
        await rm(copy, { force: true });
      }
      walk.stats.databases.push(relative);
    } else {
      await addFile(walk, relative, absolute, header);
    }
  } catch (error) {
    if (!isGone(error)) throw error;
    walk.stats.skipped.push({ path: relative, reason: 'removed while the archive was made' });
    return;
  }
  walk.stats.files += 1;
}

async function addChildren(walk: Walk, relative: string, absolute: string): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(absolute)).sort();
  } catch (error) {
    if (isGone(error)) return;
    throw error;
  }
  for (const name of names) {
    await addPath(walk, relative === '' ? name : `${relative}/${name}`, join(absolute, name));
  }
}

/**
 * The archive of `serviceDir`. Nothing starts before `chunks` is iterated; stopping the iteration early (the
 * caller went away) ends zstd and removes the scratch copies. A failure (a database that cannot be copied, a
 * file that shrank) ends the iteration with that error.
 */
export function exportArchive(options: ExportArchiveOptions): ExportArchive {
  const stats: ArchiveStats = { files: 0, databases: [], skipped: [] };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const scratch = await mkdtemp(join(options.scratchDir, '.export-'));
    const zstd = startCompressor(options.zstdPath);
    const pack = createPack();
    pack.pipe(zstd.stdin);
    const walk: Walk = {
      pack,
      options,
      selection: archiveSelection(options.method, options.excludes),
      keepDirectories: options.method.kind !== 'default',
      stats,
      copies: 0,
      scratch,
    };
    const producing = addChildren(walk, '', options.serviceDir).then(() => pack.finalize());
    // A failed walk ends zstd, so the read below stops and the walk's own error is the one reported.
    producing.catch(() => zstd.kill());
    try {
      for await (const chunk of zstd.stdout) yield chunk as Uint8Array;
      await producing;
      await zstd.done;
    } finally {
      zstd.kill();
      pack.destroy();
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return { chunks: chunks(), stats };
}
