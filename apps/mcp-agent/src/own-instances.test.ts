import { describe, expect, it } from 'vitest';
import { isOwnContainer } from './own-instances.js';

describe('isOwnContainer', () => {
  it("counts a container bearing this node's label, whatever the registry recorded", () => {
    expect(isOwnContainer('rift', { id: 'c1', node: 'rift' })).toBe(true);
    expect(isOwnContainer('rift', { id: 'c1', node: 'rift' }, 'other-id')).toBe(true);
  });

  it("never counts another node's container, even with a matching recorded id", () => {
    expect(isOwnContainer('rift', { id: 'c1', node: 'calx' }, 'c1')).toBe(false);
  });

  it('counts an unlabelled container only when it is the one the registry recorded (adopted)', () => {
    expect(isOwnContainer('rift', { id: 'c1' }, 'c1')).toBe(true);
    expect(isOwnContainer('rift', { id: 'c1' }, 'c2')).toBe(false);
    expect(isOwnContainer('rift', { id: 'c1' })).toBe(false);
    expect(isOwnContainer('rift', { id: '' }, '')).toBe(false);
  });
});
