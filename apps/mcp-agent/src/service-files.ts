// Reads and atomically writes one file inside /srv/<service>/, through the path guard.
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { FileTooLargeError, InvalidArgumentError, InvalidPathError, NotFoundError } from './errors.js';
import { guardServicePath, type GuardedPath } from './path-guard.js';

/** Mode of a new file when the request gives none (a replaced file keeps its own). */
export const DEFAULT_FILE_MODE = 0o644;
/** Mode of directories a write creates, the service directory included. */
export const CREATED_DIR_MODE = 0o755;
/** Size of the chunks a read yields. */
export const READ_CHUNK_BYTES = 64 * 1024;
/** Prefix of in-flight temp files, next to their target. */
export const TEMP_FILE_PREFIX = '.mcp-push-';

export interface ServiceFileLocation {
  /** The service files root, `/srv` in production. */
  readonly root: string;
  readonly service: string;
  /** Relative path from the client, e.g. `config/app.toml`. */
  readonly path: string;
}

export type ServiceFileContent =
  | { readonly data: Uint8Array; readonly chunks?: never }
  | { readonly chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>; readonly data?: never };

export type WriteServiceFileOptions = ServiceFileLocation &
  ServiceFileContent & {
    /** Permission bits (0 to 0o777); default: the replaced file's, else DEFAULT_FILE_MODE. */
    readonly mode?: number;
    readonly maxBytes: number;
  };

export interface WrittenServiceFile {
  /** Canonical absolute path written (a symlink inside the service directory is written through). */
  readonly target: string;
  readonly sizeBytes: number;
  readonly mode: number;
  readonly created: boolean;
}

export interface ReadServiceFileOptions extends ServiceFileLocation {
  readonly maxBytes: number;
  readonly chunkBytes?: number;
}

const { O_WRONLY, O_RDONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = constants;
const isRoot = process.geteuid?.() === 0;

function checkCount(field: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new InvalidArgumentError({ field, value, problem: 'is out of range', expected: `an integer ≥ ${minimum}` });
  }
}

function checkMode(mode: number, service: string): void {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new InvalidArgumentError({
      field: 'mode',
      value: typeof mode === 'number' && Number.isInteger(mode) ? `0o${mode.toString(8)}` : mode,
      problem: 'is not a plain permission mode',
      expected: 'permission bits between 0o000 and 0o777 (no setuid, setgid or sticky bit)',
      service,
    });
  }
}

function tooLarge(req: ServiceFileLocation, limitBytes: number, sizeBytes: number, direction: 'write' | 'read') {
  return new FileTooLargeError({ service: req.service, path: req.path, limitBytes, sizeBytes, direction });
}

/** Gives a file the owner it should have; only root can, and an agent not running as root keeps its own. */
async function adoptOwner(handle: FileHandle, current: Stats, owner: Stats): Promise<void> {
  if (isRoot && (current.uid !== owner.uid || current.gid !== owner.gid)) await handle.chown(owner.uid, owner.gid);
}

/** Open errors that mean the path changed after the guard checked it (a link or file swapped in or out). */
function swappedUnderneath(error: unknown): boolean {
  return ['ELOOP', 'ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');
}

function raceRefusal(req: ServiceFileLocation, what: string): InvalidPathError {
  return new InvalidPathError({
    field: 'path',
    value: req.path,
    problem: `changed on disk while being used (${what})`,
    expected: 'a path whose directories are not being replaced concurrently',
    service: req.service,
  });
}

/** Confirms the opened file is still the one at `path`, reached through no symlink: catches a swapped parent. */
async function confirmOpened(handle: FileHandle, path: string, req: ServiceFileLocation): Promise<Stats> {
  const opened = await handle.stat();
  const dir = dirname(path);
  const [dirReal, atPath] = await Promise.all([realpath(dir), lstat(path)]);
  if (dirReal !== dir || atPath.ino !== opened.ino || atPath.dev !== opened.dev) {
    throw raceRefusal(req, `${basename(path)} is no longer where it was checked`);
  }
  return opened;
}

/** Creates the missing directories one level at a time, each checked to be a real directory inside. */
async function createDirs(guarded: GuardedPath, req: ServiceFileLocation): Promise<string[]> {
  const created: string[] = [];
  for (const dir of guarded.missingDirs) {
    try {
      await mkdir(dir, { mode: 0o700 });
      created.push(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const handle = await open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW).catch((error: unknown) => {
      throw swappedUnderneath(error) ? raceRefusal(req, `${dir} is not a real directory`) : error;
    });
    try {
      const stats = await confirmOpened(handle, dir, req);
      if (created.includes(dir)) {
        await handle.chmod(CREATED_DIR_MODE);
        await adoptOwner(handle, stats, await lstat(dirname(dir)));
      }
    } finally {
      await handle.close();
    }
  }
  return created;
}

async function* asChunks(content: ServiceFileContent): AsyncIterable<Uint8Array> {
  if (content.data !== undefined) yield content.data;
  else yield* content.chunks;
}

/** Streams the content into the open temp file; refuses as soon as it crosses the limit. */
async function copyInto(handle: FileHandle, opts: WriteServiceFileOptions): Promise<number> {
  let written = 0;
  for await (const chunk of asChunks(opts)) {
    written += chunk.byteLength;
    if (written > opts.maxBytes) throw tooLarge(opts, opts.maxBytes, written, 'write');
    let offset = 0;
    while (offset < chunk.byteLength) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
      offset += bytesWritten;
    }
  }
  return written;
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, O_RDONLY | O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Undoes what a failed write made: its temp file, then the directories it created, innermost first. */
async function cleanUp(tempPath: string | undefined, createdDirs: readonly string[], failure: unknown): Promise<never> {
  const problems: unknown[] = [];
  if (tempPath !== undefined) {
    await unlink(tempPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') problems.push(error);
    });
  }
  for (const dir of [...createdDirs].reverse()) {
    // Only empty directories go; one that something else filled meanwhile stays.
    await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT' && error.code !== 'ENOTEMPTY') problems.push(error);
    });
  }
  if (problems.length > 0) {
    throw new AggregateError([failure, ...problems], `${(failure as Error).message} (and cleaning up failed)`);
  }
  throw failure;
}

/**
 * Writes one file inside `<root>/<service>/` atomically: a temp file beside the target (O_EXCL,
 * O_NOFOLLOW, mode 0600 until complete), fsync, rename, fsync of the directory. Missing parents
 * (and the service directory) are created. On any failure the old file is untouched and nothing
 * of the attempt is left behind.
 */
export async function writeServiceFile(opts: WriteServiceFileOptions): Promise<WrittenServiceFile> {
  checkCount('maxBytes', opts.maxBytes, 0);
  if ((opts.data === undefined) === (opts.chunks === undefined)) {
    const expected = 'exactly one of data or chunks';
    throw new InvalidArgumentError({ field: 'data', value: '(content)', problem: 'is missing or doubled', expected });
  }
  if (opts.mode !== undefined) checkMode(opts.mode, opts.service);
  const guarded = await guardServicePath(opts);
  if (opts.data !== undefined && opts.data.byteLength > opts.maxBytes) {
    throw tooLarge(opts, opts.maxBytes, opts.data.byteLength, 'write');
  }
  let createdDirs: string[] = [];
  let tempPath: string | undefined;
  let written: WrittenServiceFile;
  try {
    createdDirs = await createDirs(guarded, opts);
    const recheck = await guardServicePath(opts);
    if (recheck.target !== guarded.target) throw raceRefusal(opts, 'it resolved elsewhere once created');
    const previous = recheck.targetExists ? await lstat(recheck.target) : undefined;
    const mode = opts.mode ?? (previous === undefined ? DEFAULT_FILE_MODE : previous.mode & 0o777);
    // The temp name does not derive from the target's: a 255-byte name leaves no room for a suffix.
    tempPath = join(dirname(recheck.target), `${TEMP_FILE_PREFIX}${randomBytes(8).toString('hex')}.tmp`);
    const sizeBytes = await fillTempFile(tempPath, mode, previous, opts);
    await confirmParent(dirname(recheck.target), opts);
    await rename(tempPath, recheck.target);
    written = { target: recheck.target, sizeBytes, mode, created: previous === undefined };
  } catch (error) {
    return cleanUp(tempPath, createdDirs, error);
  }
  // The file is in place; a failure here is reported but undoes nothing.
  await fsyncDir(dirname(written.target));
  return written;
}

/** Creates the temp file exclusively, fills it, gives it its owner and mode, and flushes it to disk. */
async function fillTempFile(
  tempPath: string,
  mode: number,
  previous: Stats | undefined,
  opts: WriteServiceFileOptions,
): Promise<number> {
  const handle = await open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    const opened = await confirmOpened(handle, tempPath, opts);
    const sizeBytes = await copyInto(handle, opts);
    // A replaced file keeps its owner; a new one takes its directory's (the service may run as another user).
    await adoptOwner(handle, opened, previous ?? (await lstat(dirname(tempPath))));
    await handle.chmod(mode);
    await handle.sync();
    return sizeBytes;
  } finally {
    await handle.close();
  }
}

async function confirmParent(dir: string, req: ServiceFileLocation): Promise<void> {
  if ((await realpath(dir)) !== dir) throw raceRefusal(req, `${dir} was replaced`);
}

/**
 * Yields the bytes of one regular file inside `<root>/<service>/` in chunks. Checks happen before
 * the first chunk: NotFoundError for a missing service directory or file, InvalidPathError for
 * anything the guard refuses or a file with several hard links, FileTooLargeError over the limit.
 */
export async function* readServiceFileChunks(opts: ReadServiceFileOptions): AsyncGenerator<Uint8Array> {
  checkCount('maxBytes', opts.maxBytes, 0);
  const chunkBytes = opts.chunkBytes ?? READ_CHUNK_BYTES;
  checkCount('chunkBytes', chunkBytes, 1);
  const guarded = await guardServicePath(opts);
  if (!guarded.serviceDirExists) throw new NotFoundError({ resource: 'service directory', name: opts.service });
  if (!guarded.targetExists) {
    throw new NotFoundError({ resource: 'file', name: opts.path, where: `service "${opts.service}"` });
  }
  // O_NONBLOCK: should a FIFO be swapped in after the check, opening it must not hang the agent.
  const handle = await open(guarded.target, O_RDONLY | O_NOFOLLOW | O_NONBLOCK).catch((error: unknown) => {
    throw swappedUnderneath(error) ? raceRefusal(opts, 'the file was replaced before it was opened') : error;
  });
  try {
    const stats = await confirmOpened(handle, guarded.target, opts);
    if (!stats.isFile()) throw raceRefusal(opts, 'it is no longer a regular file');
    if (stats.nlink > 1) {
      throw new InvalidPathError({
        field: 'path',
        value: opts.path,
        problem: `names a file with ${stats.nlink} hard links`,
        expected: 'a file with a single link (another link may sit outside the service directory)',
        service: opts.service,
      });
    }
    if (stats.size > opts.maxBytes) throw tooLarge(opts, opts.maxBytes, stats.size, 'read');
    let total = 0;
    for (;;) {
      // Reads one byte past the limit at most, so a file that grows after fstat is still caught.
      const want = Math.min(chunkBytes, opts.maxBytes + 1 - total);
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(want), 0, want, null);
      if (bytesRead === 0) return;
      total += bytesRead;
      if (total > opts.maxBytes) throw tooLarge(opts, opts.maxBytes, total, 'read');
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** Reads one file inside `<root>/<service>/` whole; the same checks as readServiceFileChunks. */
export async function readServiceFile(opts: ReadServiceFileOptions): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of readServiceFileChunks(opts)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
