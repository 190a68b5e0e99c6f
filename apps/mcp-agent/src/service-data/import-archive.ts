// Restores a tar.zst into /srv/<service>/ atomically: extracted into a staging directory beside it, checked whole
// (every entry's name, type, size and link; zstd's checksum; the tar's end), and only then renamed into place.
import { chmod, lchown, lstat, mkdir, mkdtemp, open, readdir, rename, rm, symlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as createExtract, type Header } from 'tar-stream';
import { AgentError, AlreadyExistsError, InvalidArgumentError } from '../errors.js';
import { checkRelativePath, checkServiceName } from '../path-guard.js';
import { symlinkTargetProblem } from './archive-rules.js';
import { startDecompressor, ZstdError } from './zstd-process.js';

export interface ImportArchiveOptions {
  /** The root holding every /srv/<service>/ (the staging directory is made here, on the same disk). */
  readonly root: string;
  readonly service: string;
  /** Replace an existing, non-empty service directory. */
  readonly force: boolean;
  /** The tar.zst bytes as they arrive. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Largest single file the archive may hold. */
  readonly maxEntryBytes: number;
  readonly zstdPath?: string;
}

export interface ImportStats {
  readonly files: number;
  readonly bytesWritten: number;
  readonly archiveBytes: number;
}

/** Whether the service directory holds anything (an empty one, e.g. made by a deploy, is no data to protect). */
async function hasData(dir: string, service: string): Promise<boolean> {
  try {
    const stats = await lstat(dir);
    if (!stats.isDirectory()) {
      throw new AlreadyExistsError(`${dir} exists and is not a directory; remove it before importing data for service ${service}`);
    }
    return (await readdir(dir)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function refuseEntry(service: string, name: string, problem: string, expected: string): never {
  throw new InvalidArgumentError({ field: 'archive entry', value: name, problem, expected, service });
}

interface Extraction {
  readonly service: string;
  readonly dataDir: string;
  readonly maxEntryBytes: number;
  readonly seen: Set<string>;
  readonly links: { path: string; target: string; header: Header }[];
  readonly directories: { path: string; header: Header }[];
  files: number;
  bytesWritten: number;
}

const SAFE_ENTRY = 'a relative path inside the service directory, listed once';

/** Checks an entry's name: relative, no "..", listed once, not below a symlink of the archive. */
function entryPath(extraction: Extraction, header: Header): string {
  const name = header.name.replace(/^\.\/+/, '').replace(/\/+$/, '');
  const segments = checkRelativePath(name, extraction.service);
  const path = segments.join('/');
  if (extraction.seen.has(path)) refuseEntry(extraction.service, header.name, 'appears twice in the archive', SAFE_ENTRY);
  for (const link of extraction.links) {
    if (path.startsWith(`${link.path}/`)) {
      refuseEntry(extraction.service, header.name, `lies below the symlink ${JSON.stringify(link.path)}`, SAFE_ENTRY);
    }
  }
  extraction.seen.add(path);
  return path;
}

async function writeEntry(extraction: Extraction, header: Header, content: Readable): Promise<void> {
  const path = entryPath(extraction, header);
  const target = join(extraction.dataDir, path);
  switch (header.type) {
    case 'directory':
      await mkdir(target, { recursive: true, mode: 0o700 });
      extraction.directories.push({ path: target, header });
      content.resume();
      return;
    case 'symlink': {
      const problem = symlinkTargetProblem(header.linkname);
      if (problem !== undefined) {
        refuseEntry(extraction.service, header.name, `is a symlink to ${JSON.stringify(header.linkname)} that ${problem}`, 'links that stay inside the service directory');
      }
      extraction.links.push({ path, target: header.linkname, header });
      content.resume();
      return;
    }
    case 'file':
    case 'contiguous-file': {
      if (header.size > extraction.maxEntryBytes) {
        refuseEntry(extraction.service, header.name, `is ${header.size} bytes`, `at most ${extraction.maxEntryBytes} bytes per file (the agent's file size limit)`);
      }
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await writeFileFrom(content, target);
      await applyAttributes(target, header);
      extraction.files += 1;
      extraction.bytesWritten += header.size;
      return;
    }
    default:
      refuseEntry(extraction.service, header.name, `is of type ${header.type}`, 'regular files, directories and symlinks only');
  }
}

/** Writes an entry's bytes, one chunk at a time (iterating the tar reader's stream also surfaces its errors). */
async function writeFileFrom(content: AsyncIterable<Uint8Array>, path: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    for await (const chunk of content) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

/** Mode (without set-id bits), times and, when the agent runs as root, the owner the archive recorded. */
async function applyAttributes(path: string, header: Header): Promise<void> {
  if (header.type !== 'symlink') await chmod(path, header.mode & 0o1777);
  if (process.getuid?.() === 0) await lchown(path, header.uid, header.gid);
  if (header.type !== 'symlink') await utimes(path, header.mtime, header.mtime);
}

/** An error of the tar reader (no errno code): the bytes are not a tar, or it ends inside an entry. */
function isFormatError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code !== 'string';
}

/** Reads every entry into `dataDir`; resolves only when zstd and the tar both ended cleanly. */
async function extractAll(extraction: Extraction, chunks: AsyncIterable<Uint8Array>, zstdPath: string | undefined) {
  let archiveBytes = 0;
  const counted = (async function* () {
    for await (const chunk of chunks) {
      archiveBytes += chunk.byteLength;
      yield chunk;
    }
  })();
  const zstd = startDecompressor(zstdPath);
  const extract = createExtract();
  const feeding = pipeline(Readable.from(counted), zstd.stdin);
  feeding.catch(() => zstd.kill());
  zstd.stdout.pipe(extract as unknown as NodeJS.WritableStream);
  zstd.stdout.on('error', (error) => extract.destroy(error));
  let tarError: Error | undefined;
  extract.on('error', (error: Error) => {
    tarError ??= error;
  });
  try {
    for await (const entry of extract) await writeEntry(extraction, entry.header, entry as unknown as Readable);
    await feeding;
    await zstd.done;
  } catch (error) {
    zstd.kill();
    await feeding.catch(() => undefined);
    if (error instanceof AgentError) throw error;
    // The decompressor's verdict (truncated, corrupt) explains a tar that ended early better than the tar does.
    const verdict = await zstd.done.then(() => undefined, (zstdError: unknown) => zstdError);
    const malformed = verdict instanceof ZstdError ? verdict : (tarError ?? (isFormatError(error) ? error : undefined));
    if (malformed === undefined) throw error;
    throw new InvalidArgumentError({
      field: 'data',
      value: `${archiveBytes} bytes`,
      problem: `is not a complete tar.zst archive (${malformed.message})`,
      expected: 'the whole archive ExportServiceData produced (or tar | zstd)',
      service: extraction.service,
      cause: error,
    });
  } finally {
    zstd.kill();
    extract.destroy();
  }
  return archiveBytes;
}

/** Links and directory modes last: no file is ever written through a link, and a read-only directory takes its files first. */
async function finishTree(extraction: Extraction): Promise<void> {
  for (const link of extraction.links) {
    const path = join(extraction.dataDir, link.path);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await symlink(link.target, path);
    await applyAttributes(path, link.header);
    extraction.files += 1;
  }
  for (const directory of extraction.directories.reverse()) await applyAttributes(directory.path, directory.header);
}

/** Swaps the staged tree in; the old directory is moved aside first and put back if the swap fails. */
async function swapIn(staged: string, target: string, aside: string, replacing: boolean): Promise<void> {
  if (!replacing) {
    await rm(target, { recursive: true, force: true }); // an empty directory (hasData said so) or nothing
    await rename(staged, target);
    return;
  }
  await rename(target, aside);
  try {
    await rename(staged, target);
  } catch (error) {
    await rename(aside, target);
    throw error;
  }
}

/**
 * Restores the archive for `service`. Refuses a non-empty /srv/<service>/ without `force` before reading any data;
 * refuses an entry that is absolute, climbs, passes through a link, links out, is not a file/directory/link or is
 * larger than `maxEntryBytes`; refuses a truncated or corrupt archive. On any refusal the staging directory is
 * removed and the old data is untouched.
 */
export async function importArchive(options: ImportArchiveOptions): Promise<ImportStats> {
  checkServiceName(options.service);
  const target = join(options.root, options.service);
  const replacing = await hasData(target, options.service);
  if (replacing && !options.force) {
    throw new AlreadyExistsError(
      `service ${options.service} already has data in ${target}; import with force to replace it (mcp migrate --force)`,
    );
  }
  await mkdir(options.root, { recursive: true });
  const staging = await mkdtemp(join(options.root, `.import-${options.service}-`));
  try {
    const dataDir = join(staging, 'data');
    await mkdir(dataDir, { mode: 0o755 });
    const extraction: Extraction = {
      service: options.service,
      dataDir,
      maxEntryBytes: options.maxEntryBytes,
      seen: new Set(),
      links: [],
      directories: [],
      files: 0,
      bytesWritten: 0,
    };
    const archiveBytes = await extractAll(extraction, options.chunks, options.zstdPath);
    await finishTree(extraction);
    await swapIn(dataDir, target, join(staging, 'replaced'), replacing);
    return { files: extraction.files, bytesWritten: extraction.bytesWritten, archiveBytes };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
