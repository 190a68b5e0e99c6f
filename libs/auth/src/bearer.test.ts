import { describe, expect, it } from 'vitest';
import { bearerTokenOf } from './bearer.js';

describe('bearerTokenOf', () => {
  it('takes the token after Bearer', () => {
    expect(bearerTokenOf('Bearer mcp_abc-DEF_123')).toEqual({ ok: true, token: 'mcp_abc-DEF_123' });
  });

  it('accepts the scheme in any case', () => {
    expect(bearerTokenOf('bearer abc')).toEqual({ ok: true, token: 'abc' });
  });

  it('reports a missing header', () => {
    expect(bearerTokenOf(null)).toEqual({ ok: false, reason: 'missing authorization header' });
  });

  it('refuses another scheme without quoting the header', () => {
    const result = bearerTokenOf('Basic c2VjcmV0');
    expect(result).toEqual({ ok: false, reason: 'authorization header must read "Bearer <token>"' });
  });

  it('refuses a scheme without a token', () => {
    expect(bearerTokenOf('Bearer').ok).toBe(false);
  });

  it('refuses two tokens in one header', () => {
    expect(bearerTokenOf('Bearer abc def')).toEqual({ ok: false, reason: 'malformed bearer token' });
  });
});
