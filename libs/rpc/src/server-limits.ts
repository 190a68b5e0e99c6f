// The transport limits every MCP server applies before and around authentication (SPEC §9).

export interface ServerLimits {
  /** Largest request message, in bytes; large files move in chunks over the streaming RPCs. */
  readonly maxMessageBytes: number;
  /** Streams one HTTP/2 connection may have open at once. */
  readonly maxConcurrentStreams: number;
  /** TCP connections one remote address may hold open at once. */
  readonly maxConnectionsPerPeer: number;
  /** A connection without an open stream for this long is closed, in ms. */
  readonly idleTimeoutMs: number;
  /** A TLS handshake must finish within this, in ms. */
  readonly handshakeTimeoutMs: number;
  /** A unary or short streaming call is cancelled after this, in ms. */
  readonly maxCallMs: number;
  /** Calls whose path ends with one of these are long (log follows, file streams): counted and bounded apart. */
  readonly longCallPaths: readonly string[];
  /** Long calls the server runs at once. */
  readonly maxLongCalls: number;
  /** A long call is cancelled after this, in ms. */
  readonly maxLongCallMs: number;
  /** Largest header block, in bytes. */
  readonly maxHeaderBytes: number;
  /** nghttp2's memory budget per session, in MB. */
  readonly maxSessionMemoryMb: number;
}

export const defaultServerLimits: ServerLimits = Object.freeze({
  maxMessageBytes: 4 * 1024 * 1024,
  maxConcurrentStreams: 100,
  maxConnectionsPerPeer: 64,
  idleTimeoutMs: 5 * 60_000,
  handshakeTimeoutMs: 10_000,
  maxCallMs: 30 * 60_000,
  longCallPaths: ['/Logs', '/PushFileStream', '/PullFileStream'],
  maxLongCalls: 32,
  maxLongCallMs: 4 * 60 * 60_000,
  maxHeaderBytes: 16 * 1024,
  maxSessionMemoryMb: 10,
});
