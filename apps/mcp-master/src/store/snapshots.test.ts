// The snapshot catalogue's rows: recorded, listed newest first, deleted; they outlive nodes and placements.
import { afterEach, describe, expect, it } from 'vitest';
import type { SnapshotRecord } from '../deps.js';
import { openTempMasterStore, type TempMasterStore } from './testing.js';

function snapshot(overrides: Partial<SnapshotRecord>): SnapshotRecord {
  return {
    service: 'mcq',
    filename: '20250101T000000.000Z.tar.zst',
    node: 'orion',
    sizeBytes: 1234,
    sha256: 'a'.repeat(64),
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

describe('the store’s snapshots', () => {
  let temp: TempMasterStore | undefined;
  afterEach(() => temp?.cleanup());

  it('lists one service’s snapshots newest first, every service’s by name, and survives a restart', () => {
    temp = openTempMasterStore();
    const { store } = temp;
    const old = snapshot({ filename: 'old.tar.zst', createdAt: new Date('2025-01-01T00:00:00Z') });
    const recent = snapshot({ filename: 'new.tar.zst', createdAt: new Date('2025-01-02T00:00:00Z'), sizeBytes: 99 });
    const other = snapshot({ service: 'app', filename: 'a.tar.zst' });
    store.putSnapshot(old);
    store.putSnapshot(recent);
    store.putSnapshot(other);
    expect(store.listSnapshots('mcq')).toEqual([recent, old]);
    expect(temp.open().listSnapshots()).toEqual([other, recent, old]);
    store.deleteSnapshot('mcq', 'old.tar.zst');
    store.deleteSnapshot('mcq', 'absent.tar.zst');
    expect(store.listSnapshots('mcq')).toEqual([recent]);
    expect(store.listSnapshots('nothing')).toEqual([]);
  });
});
