import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shippedMigrations } from './index.js';

// A shipped migration has run on real nodes; editing it would leave their databases different
// from new ones. When this fails, undo the edit and add a new migration instead. A NEW
// migration gets its line appended here when it ships.
const shipped = [
  [1, 'services-components-routes', '58cae522ce9353f66d12b782852d7f3f630f73cbc69af6a3ce0e6898125b3ee7'],
  [2, 'events-alert-state-edge-routes', '1521cd225ca0ad9855653c4f248008be45b15528da3a562146d4dd7cb82682bf'],
  [3, 'proxy-routes', '49de6c1624cabd7f86342c168a1b7ac1a489e76ea3425f125c87764296267946'],
  [4, 'edge-route-backends', 'd8139aa2272834c414a4d9ddb2310e1bb857a7cf9507e6f4113f35928b24a182'],
] as const;

describe('shipped migrations', () => {
  it('are unchanged, byte for byte, and keep their ids and names', () => {
    const actual = shippedMigrations
      .slice(0, shipped.length)
      .map((migration) => [
        migration.id,
        migration.name,
        createHash('sha256').update(migration.sql).digest('hex'),
      ]);
    expect(actual).toEqual(shipped);
  });

  it('are numbered 1, 2, 3, … in the order they apply', () => {
    expect(shippedMigrations.map((migration) => migration.id)).toEqual(
      shippedMigrations.map((_, index) => index + 1),
    );
  });
});
