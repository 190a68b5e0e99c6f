// Extracting the token from an `authorization: Bearer <token>` header.

export type BearerResult = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly reason: string };

// RFC 6750 b64token characters; anything else (spaces, commas, a second credential) is malformed.
const tokenPattern = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Reasons never quote the header: it may hold a token. */
export function bearerTokenOf(header: string | null): BearerResult {
  if (header === null || header.trim() === '') return { ok: false, reason: 'missing authorization header' };
  const match = /^([A-Za-z]+) +(.*)$/.exec(header.trim());
  if (match === null || match[1]?.toLowerCase() !== 'bearer') {
    return { ok: false, reason: 'authorization header must read "Bearer <token>"' };
  }
  const token = match[2] ?? '';
  if (!tokenPattern.test(token)) return { ok: false, reason: 'malformed bearer token' };
  return { ok: true, token };
}
