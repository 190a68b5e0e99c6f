// Clients of MCP's daemons: gRPC over HTTP/2 + TLS 1.3, the server verified against the platform CA,
// every call carrying the caller's bearer token.
import type { Interceptor, Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import type { SecureClientSessionOptions } from 'node:http2';

export interface GrpcClientOptions {
  /** "host:port" of the daemon. */
  address: string;
  tls: SecureClientSessionOptions;
  /** Bearer token sent as `authorization: Bearer <token>`; read per call so a refreshed token applies. */
  token: () => string;
  /** Default deadline for calls that set none, in milliseconds. */
  timeoutMs?: number;
  interceptors?: Interceptor[];
}

function bearer(token: () => string): Interceptor {
  return (next) => (req) => {
    req.header.set('authorization', `Bearer ${token()}`);
    return next(req);
  };
}

/** A transport for `createClient(Service, transport)`. */
export function createGrpcClientTransport(options: GrpcClientOptions): Transport {
  const baseUrl = `https://${options.address}`;
  return createGrpcTransport({
    baseUrl,
    nodeOptions: { ...options.tls },
    interceptors: [bearer(options.token), ...(options.interceptors ?? [])],
    ...(options.timeoutMs === undefined ? {} : { defaultTimeoutMs: options.timeoutMs }),
  });
}
