// Unique names are valid MCP names and never repeat.
import { describe, expect, it } from 'vitest';
import { uniqueName, uniqueNode } from './unique-names.js';

const VALID = /^[a-z][a-z0-9-]{0,62}$/;

describe('uniqueName', () => {
  it('gives a valid MCP name that starts with the prefix', () => {
    const name = uniqueName('web-api');
    expect(name).toMatch(VALID);
    expect(name.startsWith('web-api-')).toBe(true);
  });

  it('never gives the same name twice', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('svc')));
    expect(names.size).toBe(1000);
  });

  it('shortens a long prefix so the name stays within 63 characters', () => {
    const name = uniqueName(`a${'-b'.repeat(40)}`);
    expect(name).toMatch(VALID);
    expect(name).not.toContain('--');
  });

  it('refuses a prefix that would make an invalid name', () => {
    expect(() => uniqueName('Web_API')).toThrow(/lower-case letters/);
  });

  it('makes node labels of the same shape', () => {
    expect(uniqueNode()).toMatch(/^node-[0-9a-f]{10}$/);
  });
});
