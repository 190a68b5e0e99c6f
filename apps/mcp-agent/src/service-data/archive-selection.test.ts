// What an export takes from /srv/<service>/ for each method: the pure decision.
import { describe, expect, it } from 'vitest';
import { archiveSelection, parseSnapshotMethod } from './archive-selection.js';

describe('parseSnapshotMethod', () => {
  it('knows the methods of SPEC §3 and refuses anything else', () => {
    expect(parseSnapshotMethod('')).toEqual({ kind: 'default' });
    expect(parseSnapshotMethod('full')).toEqual({ kind: 'full' });
    expect(parseSnapshotMethod('cli')).toEqual({ kind: 'cli' });
    expect(parseSnapshotMethod('grpc')).toEqual({ kind: 'grpc' });
    expect(parseSnapshotMethod('exec: app dump --to /srv/app/dump.sql')).toEqual({ kind: 'exec', command: 'app dump --to /srv/app/dump.sql' });
    expect(parseSnapshotMethod('exec:')).toBeUndefined();
    expect(parseSnapshotMethod('rsync')).toBeUndefined();
  });
});

describe('archiveSelection', () => {
  const byDefault = archiveSelection({ kind: 'default' }, []);
  const full = archiveSelection({ kind: 'full' }, ['cache', 'logs/*.log', './tmp/']);

  it('takes *.toml, *.db and *.pem at any depth by default, and nothing else', () => {
    expect(['app.toml', 'data/app.db', 'keys/tls.pem'].every((path) => byDefault.take(path, 'file'))).toBe(true);
    expect(byDefault.take('notes.txt', 'file')).toBe(false);
    expect(byDefault.take('link.toml', 'symlink')).toBe(false);
  });

  it('leaves out SQLite side files and backups/ whatever the method', () => {
    for (const selection of [byDefault, full]) {
      expect(selection.take('app.db-wal', 'file')).toBe(false);
      expect(selection.take('app.db-shm', 'file')).toBe(false);
      expect(selection.take('app.db-journal', 'file')).toBe(false);
      expect(selection.descend('backups')).toBe(false);
    }
    expect(full.descend('data/backups')).toBe(true);
  });

  it('takes every file and symlink with full, excludes applying to a path and everything under it', () => {
    expect(full.take('notes.txt', 'file')).toBe(true);
    expect(full.take('current', 'symlink')).toBe(true);
    expect(full.take('fifo', 'other')).toBe(false);
    expect(full.descend('cache')).toBe(false);
    expect(full.take('cache', 'file')).toBe(false);
    expect(full.take('cached.txt', 'file')).toBe(true);
    expect(full.take('logs/app.log', 'file')).toBe(false);
    expect(full.take('logs/app.txt', 'file')).toBe(true);
    expect(full.descend('tmp')).toBe(false);
  });
});
