import { describe, expect, it } from 'vitest';
import { countedTier } from './counted-tier.js';

describe('countedTier', () => {
  it('is the tier of a service placed by tier, and none for a pinned one (node wins)', () => {
    expect([countedTier({ tier: 'core' }), countedTier({ tier: 'worker', node: 'rift' }), countedTier({ node: '' , tier: 'core' }), countedTier({})]).toEqual([
      'core',
      undefined,
      'core',
      undefined,
    ]);
  });
});
