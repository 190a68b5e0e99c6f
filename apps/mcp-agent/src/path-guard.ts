// Decides whether a client-supplied file path stays inside /srv/<service>/, and where it lands.
import { lstat, realpath } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { InvalidPathError, NotFoundError } from './errors.js';

/** Linux PATH_MAX: longest path, in UTF-8 bytes, a client may name. */
export const MAX_PATH_BYTES = 4096;
/** Linux NAME_MAX: longest single segment, in UTF-8 bytes. */
export const MAX_SEGMENT_BYTES = 255;
/** Service names as the service definitions allow them (checked again here: a name becomes a directory). */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

const EXPECTED_PATH = 'a relative path of "/"-separated names inside the service directory';

/** Control characters (C0, DEL, C1), line/paragraph separators and bidi controls: they corrupt logs or disguise names. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** Characters drawn like a slash or backslash; NFKC does not fold all of them to the real one. */
const SLASH_LOOKALIKES = /[\u2044\u2215\u2216\u29f5\u29f8\u29f9\u2571\u2572\uff0f\uff3c\ufe68]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ENCODED_BYTE = /%([0-9a-f]{2})/gi;

function refusePath(value: unknown, problem: string, expected: string, service?: string): never {
  const details = { field: 'path', value, problem, expected };
  throw new InvalidPathError(service === undefined ? details : { ...details, service });
}

/** Refuses anything but a valid service name: lower-case letters, digits and '-', starting with a letter, at most 63. */
export function checkServiceName(service: unknown): asserts service is string {
  const ok = typeof service === 'string' && SERVICE_NAME_PATTERN.test(service);
  if (!ok) {
    throw new InvalidPathError({
      field: 'service',
      value: service,
      problem: 'is not a valid service name',
      expected: "1 to 63 lower-case letters, digits or '-', starting with a letter",
    });
  }
}

/** Decodes %XX escapes of ASCII bytes until none is left, so that any number of encodings is seen through. */
function percentDecodedAscii(segment: string): string {
  let current = segment;
  for (;;) {
    const next = current.replace(ENCODED_BYTE, (escape, hex: string) => {
      const byte = Number.parseInt(hex, 16);
      return byte < 0x80 ? String.fromCharCode(byte) : escape;
    });
    if (next === current) return current;
    current = next;
  }
}

/** Whether a segment would read as ".", ".." or a separator to a tool that decodes or normalises it. */
function disguisedTraversal(segment: string): boolean {
  let folded = segment;
  for (;;) {
    const next = percentDecodedAscii(folded.normalize('NFKC'));
    if (next === folded) break;
    folded = next;
  }
  return folded === '.' || folded === '..' || ['/', '\\', '\u0000'].some((c) => folded.includes(c));
}

/**
 * Checks a client path without touching the disk and returns its segments.
 * The path is taken literally (no decoding); forms that some tool could read as traversal are refused.
 */
export function checkRelativePath(path: unknown, service?: string): readonly string[] {
  if (typeof path !== 'string') refusePath(path, 'is not a string', EXPECTED_PATH, service);
  if (path.length === 0) refusePath(path, 'is empty', EXPECTED_PATH, service);
  if (path.includes('\u0000')) refusePath(path, 'contains a NUL byte', EXPECTED_PATH, service);
  if (LONE_SURROGATE.test(path)) {
    refusePath(path, 'is not well-formed Unicode', 'a path of valid UTF-8 names', service);
  }
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes > MAX_PATH_BYTES) {
    refusePath(path, `is ${bytes} bytes long`, `at most ${MAX_PATH_BYTES} bytes`, service);
  }
  if (INVISIBLE.test(path)) {
    refusePath(path, 'contains a control or invisible formatting character', 'printable characters only', service);
  }
  if (path.includes('\\')) {
    refusePath(path, 'contains a backslash', `'/' as the only separator (${EXPECTED_PATH})`, service);
  }
  if (SLASH_LOOKALIKES.test(path)) {
    refusePath(path, 'contains a character that looks like a slash', `'/' as the only separator`, service);
  }
  if (path.startsWith('/')) refusePath(path, 'is absolute', EXPECTED_PATH, service);
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') {
      refusePath(path, 'has an empty segment (leading, doubled or trailing "/")', EXPECTED_PATH, service);
    }
    if (segment === '.' || segment === '..') {
      refusePath(path, `contains a "${segment}" segment`, `${EXPECTED_PATH}, without "." or ".."`, service);
    }
    const segmentBytes = Buffer.byteLength(segment, 'utf8');
    if (segmentBytes > MAX_SEGMENT_BYTES) {
      refusePath(path, `has a ${segmentBytes}-byte segment`, `names of at most ${MAX_SEGMENT_BYTES} bytes`, service);
    }
    if (disguisedTraversal(segment)) {
      refusePath(path, 'has a segment that decodes or normalises to ".", ".." or a separator', EXPECTED_PATH, service);
    }
  }
  return segments;
}

/** Where a checked path lands; every existing component is canonical (no symlinks left in it). */
export interface GuardedPath {
  /** `<realpath(root)>/<service>`; a real directory, never a symlink. */
  readonly serviceDir: string;
  readonly serviceDirExists: boolean;
  /** Absolute, canonical and strictly inside `serviceDir`. */
  readonly target: string;
  readonly targetExists: boolean;
  /** Directories between the deepest existing one and the target that do not exist yet, outermost first. */
  readonly missingDirs: readonly string[];
}

export interface GuardRequest {
  /** The service files root, `/srv` in production; it may itself be a symlink (resolved once). */
  readonly root: string;
  readonly service: string;
  readonly path: string;
}

function isInside(candidate: string, dir: string): boolean {
  return candidate === dir || candidate.startsWith(dir + sep);
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}

async function lstatOrAbsent(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function describeType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** Resolves a symlink met on the way; only links whose whole chain ends inside the service directory pass. */
async function followInside(link: string, shown: string, req: GuardRequest, serviceDir: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(link);
  } catch (error) {
    if (hasCode(error, 'ELOOP')) {
      refusePath(req.path, `has a symlink loop at "${shown}"`, 'symlinks that resolve', req.service);
    }
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) {
      refusePath(req.path, `has a dangling symlink at "${shown}"`, 'symlinks to something that exists', req.service);
    }
    throw error;
  }
  if (!isInside(real, serviceDir)) {
    refusePath(
      req.path,
      `has a symlink at "${shown}" that leads outside the service directory`,
      'symlinks that stay inside the service directory',
      req.service,
    );
  }
  return real;
}

/** Paths below `dir` for each prefix of `segments` but the last: the parents a write would have to create. */
function parentsBelow(dir: string, segments: readonly string[]): string[] {
  return segments.slice(0, -1).map((_, i) => join(dir, ...segments.slice(0, i + 1)));
}

async function realRoot(root: string): Promise<string> {
  try {
    return await realpath(root);
  } catch (error) {
    if (hasCode(error, 'ENOENT')) {
      throw new NotFoundError({ resource: 'service files root', name: root, cause: error });
    }
    throw error;
  }
}

async function walk(req: GuardRequest, serviceDir: string, segments: readonly string[]): Promise<GuardedPath> {
  let current = serviceDir;
  for (const [index, segment] of segments.entries()) {
    const shown = (): string => segments.slice(0, index + 1).join('/');
    let next = join(current, segment);
    let stats = await lstatOrAbsent(next);
    if (stats === undefined) {
      const rest = segments.slice(index);
      const missingDirs = parentsBelow(current, rest);
      return { serviceDir, serviceDirExists: true, target: join(current, ...rest), targetExists: false, missingDirs };
    }
    if (stats.isSymbolicLink()) {
      next = await followInside(next, shown(), req, serviceDir);
      stats = await lstat(next);
    }
    if (index < segments.length - 1 && !stats.isDirectory()) {
      refusePath(req.path, `has "${shown()}", which is not a directory`, 'every parent to be a directory', req.service);
    }
    current = next;
    if (index === segments.length - 1 && !stats.isFile()) {
      refusePath(req.path, `names ${describeType(stats)}`, 'a regular file', req.service);
    }
  }
  return { serviceDir, serviceDirExists: true, target: current, targetExists: true, missingDirs: [] };
}

/**
 * Resolves a client path to a canonical location strictly inside `<root>/<service>/`, or throws
 * InvalidPathError. Symlinks inside the directory are followed only while they stay inside;
 * a target that exists must be a regular file. Creates nothing.
 */
export async function guardServicePath(req: GuardRequest): Promise<GuardedPath> {
  checkServiceName(req.service);
  const segments = checkRelativePath(req.path, req.service);
  const serviceDir = join(await realRoot(req.root), req.service);
  const placed = join(serviceDir, ...segments);
  const placedBytes = Buffer.byteLength(placed, 'utf8');
  if (placedBytes >= MAX_PATH_BYTES) {
    const room = MAX_PATH_BYTES - 2 - Buffer.byteLength(serviceDir, 'utf8');
    refusePath(req.path, `is too long once placed in ${serviceDir}/`, `at most ${room} bytes`, req.service);
  }
  const serviceStats = await lstatOrAbsent(serviceDir);
  if (serviceStats === undefined) {
    const missingDirs = [serviceDir, ...parentsBelow(serviceDir, segments)];
    return { serviceDir, serviceDirExists: false, target: placed, targetExists: false, missingDirs };
  }
  if (serviceStats.isSymbolicLink() || !serviceStats.isDirectory()) {
    throw new InvalidPathError({
      field: 'service',
      value: req.service,
      problem: `has a service directory that is ${serviceStats.isSymbolicLink() ? 'a symlink' : 'not a directory'}`,
      expected: `${serviceDir} to be a real directory`,
    });
  }
  let guarded: GuardedPath;
  try {
    guarded = await walk(req, serviceDir, segments);
  } catch (error) {
    if (!hasCode(error, 'ENAMETOOLONG')) throw error;
    refusePath(req.path, 'is too long once its symlinks are resolved', `at most ${MAX_PATH_BYTES} bytes`, req.service);
  }
  if (!isInside(guarded.target, serviceDir) || guarded.target === serviceDir) {
    // Unreachable by construction; kept because this is the one promise the guard makes.
    refusePath(req.path, 'resolves outside the service directory', 'a file inside it', req.service);
  }
  return guarded;
}
