import { describe, expect, it } from 'vitest';
import { isValidNodeName, NODE_NAME_PATTERN } from './node-name.js';

describe('isValidNodeName', () => {
  it.each(['rift', 'r', 'node-2', 'a-', `a${'b'.repeat(62)}`])('accepts %j', (name) => {
    expect(isValidNodeName(name)).toBe(true);
  });

  it.each(['', '2node', '-a', 'Rift', 'ri_ft', 'rift.lan', `a${'b'.repeat(63)}`])('refuses %j', (name) => {
    expect(isValidNodeName(name)).toBe(false);
  });

  it('gives the same answer twice in a row (the pattern keeps no state)', () => {
    expect([NODE_NAME_PATTERN.test('rift'), NODE_NAME_PATTERN.test('rift')]).toEqual([true, true]);
  });
});
