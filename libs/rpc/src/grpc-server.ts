// Serves Connect handlers over HTTP/2 + TLS 1.3 speaking the gRPC protocol only (no Connect, no gRPC-web).
import type { ConnectRouter, Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { once } from 'node:events';
import { createSecureServer, type Http2SecureServer, type SecureServerOptions, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface GrpcServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  tls: SecureServerOptions;
  routes: (router: ConnectRouter) => void;
  interceptors: Interceptor[];
  /** Largest request message accepted, in bytes. */
  readMaxBytes?: number;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly server: Http2SecureServer;
  /** Stops accepting calls and closes open sessions. */
  close(): Promise<void>;
}

export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningServer> {
  const handler = connectNodeAdapter({
    routes: options.routes,
    interceptors: options.interceptors,
    grpc: true,
    grpcWeb: false,
    connect: false,
    ...(options.readMaxBytes === undefined ? {} : { readMaxBytes: options.readMaxBytes }),
  });
  const server = createSecureServer({ ...options.tls, allowHTTP1: false }, handler);
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.listen(options.port, options.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  const address = server.address() as AddressInfo;
  return {
    host: options.host,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.close();
      }),
  };
}
