import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, looksLikePlainToken, sha256HexEqual } from './token.js';

describe('generateToken', () => {
  it('makes a prefixed base64url token of 32 random bytes', () => {
    expect(generateToken()).toMatch(/^mcp_[A-Za-z0-9_-]{43}$/);
  });

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => generateToken()));
    expect(tokens.size).toBe(100);
  });

  it('makes tokens that are recognised as plain tokens', () => {
    expect(looksLikePlainToken(generateToken())).toBe(true);
  });
});

describe('hashToken', () => {
  it('is the lower-case hex SHA-256 of the UTF-8 token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('sha256HexEqual', () => {
  it('matches equal digests written in either case', () => {
    const digest = hashToken('x');
    expect(sha256HexEqual(digest, digest.toUpperCase())).toBe(true);
  });

  it('rejects different digests', () => {
    expect(sha256HexEqual(hashToken('x'), hashToken('y'))).toBe(false);
  });

  it('rejects values that are not 32-byte digests', () => {
    expect(sha256HexEqual('abcd', 'abcd')).toBe(false);
  });
});
