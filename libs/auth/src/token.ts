// Bearer tokens: how they are made, hashed and compared.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const tokenPrefix = 'mcp_';

/**
 * A new random token: 32 bytes from the OS CSPRNG, base64url, with a `mcp_` prefix so that
 * secret scanners and people recognise one when it leaks into a file or a chat.
 */
export function generateToken(): string {
  return tokenPrefix + randomBytes(32).toString('base64url');
}

/** Lower-case hex SHA-256 of the token's UTF-8 bytes: what the token file stores, and a safe cache key. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time equality of two hex SHA-256 digests (both always 32 bytes once decoded). */
export function sha256HexEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  if (left.length !== 32 || right.length !== 32) return false;
  return timingSafeEqual(left, right);
}

export function looksLikePlainToken(value: string): boolean {
  return value.startsWith(tokenPrefix);
}
