// Which paths of /srv/<service>/ an export takes (SPEC §8): a pure decision over a path and its kind.

/** The snapshot methods of a definition (`[snapshot] method`); "exec: <cmd>" carries its command. */
export type SnapshotMethod =
  | { readonly kind: 'default' }
  | { readonly kind: 'full' }
  | { readonly kind: 'grpc' }
  | { readonly kind: 'cli' }
  | { readonly kind: 'exec'; readonly command: string };

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

/** File names the default set takes, at any depth: configuration, databases, keys and certificates. */
const DEFAULT_SET = /\.(toml|db|pem)$/;
/** SQLite's live side files: the consistent copy (VACUUM INTO) already holds what they carry. */
const SQLITE_SIDE_FILE = /-(wal|shm|journal)$/;
/** The service's own backup copies stay on the node; a snapshot of them would double its size at every turn. */
const BACKUPS_DIR = 'backups';

/** Parses `[snapshot] method`; undefined for a value that is none of the known ones. */
export function parseSnapshotMethod(method: string): SnapshotMethod | undefined {
  const trimmed = method.trim();
  if (trimmed === '') return { kind: 'default' };
  if (trimmed === 'full' || trimmed === 'grpc' || trimmed === 'cli') return { kind: trimmed };
  if (trimmed.startsWith('exec:')) {
    const command = trimmed.slice('exec:'.length).trim();
    return command === '' ? undefined : { kind: 'exec', command };
  }
  return undefined;
}

/** An exclude pattern as a test on a relative path: the path itself or anything under it; `*` matches within one name. */
function excludeMatcher(pattern: string): (path: string) => boolean {
  const cleaned = pattern.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  const escaped = cleaned
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  const regex = new RegExp(`^${escaped}(/.*)?$`);
  return (path) => cleaned !== '' && regex.test(path);
}

export interface ArchiveSelection {
  /** Whether to descend into a directory (relative path, no trailing slash). */
  descend(path: string): boolean;
  /** Whether to archive an entry that is not a directory. */
  take(path: string, kind: EntryKind): boolean;
}

/**
 * The selection for a method and its excludes. Every method leaves out SQLite side files and `backups/` at the top;
 * the default set takes `*.toml`, `*.db` and `*.pem` files; the others take every regular file and symlink (the
 * service's own step has written whatever it needs by then). Excludes always apply.
 */
export function archiveSelection(method: SnapshotMethod, excludes: readonly string[]): ArchiveSelection {
  const excluded = excludes.map(excludeMatcher);
  const isExcluded = (path: string): boolean => excluded.some((matches) => matches(path));
  return {
    descend: (path) => path !== BACKUPS_DIR && !isExcluded(path),
    take(path, kind) {
      if (kind === 'directory' || kind === 'other') return false;
      if (isExcluded(path) || SQLITE_SIDE_FILE.test(path)) return false;
      if (method.kind === 'default') return kind === 'file' && DEFAULT_SET.test(path);
      return true;
    },
  };
}
