// Clients of MCP's daemons: gRPC over HTTP/2 + TLS 1.3, the server verified against the platform CA,
// every call carrying the caller's bearer token.
//
// One HTTP/2 session per transport, kept by Connect's own Http2SessionManager (pings, idle close, and no hold
// on the process while no call is open). Unary calls go through `callUnary` (grpc-unary.ts), which stays clear
// of the fetch API on the way of a successful call (the CLI's start-up budget); streaming calls go through
// Connect's gRPC transport, loaded on the first stream, on the same session.
import type { Interceptor, Transport } from '@connectrpc/connect';
import { Http2SessionManager } from '@connectrpc/connect-node';
import type { SecureClientSessionOptions } from 'node:http2';
import { callUnary } from './grpc-unary.js';

export interface GrpcClientOptions {
  /** "host:port" of the daemon. */
  address: string;
  tls: SecureClientSessionOptions;
  /**
   * Bearer token sent as `authorization: Bearer <token>`; read per call so a refreshed token applies.
   * An empty token sends no `authorization` header.
   */
  token: () => string;
  /** Default deadline for calls that set none, in milliseconds. */
  timeoutMs?: number;
}

function authorization(token: () => string): string {
  const value = token();
  return value === '' ? '' : `Bearer ${value}`;
}

function bearer(token: () => string): Interceptor {
  return (next) => (req) => {
    const value = authorization(token);
    if (value !== '') req.header.set('authorization', value);
    return next(req);
  };
}

/** Connect's rule: a deadline of zero or less is none. */
function deadlineOf(timeoutMs: number | undefined, fallback: number | undefined): number | undefined {
  const chosen = timeoutMs ?? fallback;
  return chosen !== undefined && chosen > 0 ? chosen : undefined;
}

/** A transport for `createClient(Service, transport)`. */
export function createGrpcClientTransport(options: GrpcClientOptions): Transport {
  const baseUrl = `https://${options.address}`;
  const sessions = new Http2SessionManager(baseUrl, {}, { ...options.tls });
  let streaming: Promise<Transport> | undefined;
  const streamTransport = () =>
    (streaming ??= import('@connectrpc/connect-node').then(({ createGrpcTransport }) =>
      createGrpcTransport({
        baseUrl,
        sessionManager: sessions,
        interceptors: [bearer(options.token)],
        ...(options.timeoutMs === undefined ? {} : { defaultTimeoutMs: options.timeoutMs }),
      }),
    ));
  return {
    unary: (method, signal, timeoutMs, header, input) =>
      callUnary(sessions, {
        method,
        input,
        header,
        signal,
        authorization: authorization(options.token),
        timeoutMs: deadlineOf(timeoutMs, options.timeoutMs),
      }),
    stream: async (method, signal, timeoutMs, header, input, contextValues) =>
      (await streamTransport()).stream(method, signal, timeoutMs, header, input, contextValues),
  };
}
