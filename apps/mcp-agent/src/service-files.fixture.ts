// Test scaffolding: a real files root with hostile symlinks and special files, and a tree snapshot.
import { constants } from 'node:fs';
import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const SERVICE = 'web';
export const CANARY_TEXT = 'canary: nothing may read or change this\n';

export interface FilesFixture {
  /** Holds everything below; a snapshot of it covers inside and outside the service directory. */
  readonly base: string;
  /** The service files root (`/srv` in production). */
  readonly root: string;
  /** `<root>/web`, the service directory. */
  readonly serviceDir: string;
  /** A sibling of the root, the "outside" every traversal aims at. */
  readonly outside: string;
  readonly canary: string;
  cleanup(): Promise<void>;
}

/** One entry of a tree, with what a write or a read would change (content, times, links). */
export interface EntrySnapshot {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  readonly mode: number;
  readonly uid: number;
  readonly nlink: number;
  readonly mtimeNs: bigint;
  /** Files only: a read moves it (relatime, atimes set days back), so reads show up too. */
  readonly atimeNs?: bigint;
  readonly sha256?: string;
  readonly linkTarget?: string;
}

const THREE_DAYS_AGO_S = Date.now() / 1000 - 3 * 24 * 3600;

/** A socket file that outlives its server: the listener's own path is unlinked when it closes. */
async function makeSocketFile(base: string, path: string): Promise<void> {
  const listenPath = join(base, 'listen.sock');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPath, resolve);
  });
  await link(listenPath, path);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function ageFiles(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await ageFiles(path);
    else if (entry.isFile()) await utimes(path, THREE_DAYS_AGO_S, THREE_DAYS_AGO_S - 3600);
  }
}

export async function createFilesFixture(): Promise<FilesFixture> {
  const base = await mkdtemp(join(tmpdir(), 'mcp-files-'));
  const root = join(base, 'srv');
  const serviceDir = join(root, SERVICE);
  const outside = join(base, 'outside');
  const canary = join(outside, 'canary.txt');
  await mkdir(join(outside, 'nested'), { recursive: true });
  await writeFile(canary, CANARY_TEXT);
  await writeFile(join(outside, 'nested', 'deep.txt'), 'deep outside\n');
  await mkdir(join(root, 'other'), { recursive: true });
  await writeFile(join(root, 'other', 'secret.txt'), 'another service\n');
  await symlink('../outside', join(root, 'linked'));
  await writeFile(join(root, 'plainfile'), 'not a directory\n');
  await mkdir(join(serviceDir, 'sub'), { recursive: true });
  await writeFile(join(serviceDir, 'config.toml'), 'name = "web"\n');
  await writeFile(join(serviceDir, 'sub', 'a.txt'), 'inside\n');
  const links: Record<string, string> = {
    'link-in': 'config.toml',
    'dir-in': 'sub',
    'sub/up-link': '..',
    'sub/escape': '../..',
    'link-out-file': '../../outside/canary.txt',
    'link-out-abs': canary,
    'link-out-dir': '../../outside',
    'link-sibling': '../other/secret.txt',
    'link-dev': '/dev/null',
    'chain-1': 'chain-2',
    'chain-2': '../../outside',
    'dangling-in': 'missing.toml',
    'dangling-out': '../../outside/new.txt',
    'loop-a': 'loop-b',
    'loop-b': 'loop-a',
    'self-loop': 'self-loop',
  };
  for (const [name, target] of Object.entries(links)) await symlink(target, join(serviceDir, name));
  await promisify(execFile)('mkfifo', [join(serviceDir, 'fifo')]);
  await promisify(execFile)('mknod', [join(serviceDir, 'null-device'), 'c', '1', '3']);
  await makeSocketFile(base, join(serviceDir, 'sock'));
  await link(canary, join(serviceDir, 'hardlink-out'));
  await ageFiles(base);
  return { base, root, serviceDir, outside, canary, cleanup: () => rm(base, { recursive: true, force: true }) };
}

/** Hashes a file without moving its atime (O_NOATIME; the tests run as root, the owner). */
async function hashQuietly(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOATIME);
  try {
    return createHash('sha256').update(await handle.readFile()).digest('hex');
  } finally {
    await handle.close();
  }
}

/** Every entry below `dir` (not following symlinks), keyed by relative path. */
export async function snapshotTree(dir: string, prefix = ''): Promise<Map<string, EntrySnapshot>> {
  const entries = new Map<string, EntrySnapshot>();
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const key = prefix + name;
    const stats = await lstat(path, { bigint: true });
    const common = { mode: Number(stats.mode), uid: Number(stats.uid), nlink: Number(stats.nlink), mtimeNs: stats.mtimeNs };
    if (stats.isSymbolicLink()) {
      entries.set(key, { type: 'symlink', ...common, linkTarget: await readlink(path) });
    } else if (stats.isDirectory()) {
      entries.set(key, { type: 'dir', ...common });
      for (const [childKey, child] of await snapshotTree(path, `${key}/`)) entries.set(childKey, child);
    } else if (stats.isFile()) {
      entries.set(key, { type: 'file', ...common, atimeNs: stats.atimeNs, sha256: await hashQuietly(path) });
    } else {
      entries.set(key, { type: 'other', ...common });
    }
  }
  return entries;
}
