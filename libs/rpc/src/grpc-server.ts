// Serves Connect handlers over HTTP/2 + TLS 1.3 speaking the gRPC protocol only (no Connect, no gRPC-web), with
// the transport bounded before anything costly happens: a gate decides each call from its headers before its
// body is read, and connections, streams, messages, idle sessions and call durations are all limited.
import type { ConnectRouter, ContextValues, Interceptor } from '@connectrpc/connect';
import { Code } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { once } from 'node:events';
import {
  constants as http2,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type SecureServerOptions,
  type ServerHttp2Session,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { defaultServerLimits, type ServerLimits } from './server-limits.js';
import { peerOf, type Peer } from './peer.js';
import { headersOf } from './web-headers.js';

/** What the gate sees of a call: its path, headers and the peer; never its body. */
export interface CallHead {
  /** `/mcp.v1.McpAgentService/Deploy`. */
  readonly path: string;
  readonly header: Headers;
  readonly peer: Peer;
}

export type Admission =
  | { readonly admit: true; readonly contextValues: ContextValues }
  | { readonly admit: false; readonly code: Code; readonly message: string };

/** Decides a call from its head; a refused call is answered at once and its body never read. */
export type CallGate = (head: CallHead) => Promise<Admission>;

/** A call or connection the transport refused (a limit), for the audit trail. */
export interface TransportRefusal {
  readonly peer: string;
  /** Which limit: `connections-per-peer`, `concurrent-streams`, `long-calls`, `call-duration`, `idle`. */
  readonly limit: string;
  readonly reason: string;
  readonly path?: string;
}

export interface GrpcServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  tls: SecureServerOptions;
  routes: (router: ConnectRouter) => void;
  interceptors: Interceptor[];
  /** Admits or refuses each call before Connect reads it (authentication and authorization). */
  gate?: CallGate;
  /** Limits; each defaults to `defaultServerLimits`. */
  limits?: Partial<ServerLimits>;
  /** Every transport refusal (limits), for the audit trail. */
  onRefusal?: (refusal: TransportRefusal) => void;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly server: Http2SecureServer;
  /** Stops accepting calls and closes open sessions; calls still running after a short grace are cut off. */
  close(): Promise<void>;
}

export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningServer> {
  const limits: ServerLimits = { ...defaultServerLimits, ...options.limits };
  const admitted = new WeakMap<Http2ServerRequest, ContextValues>();
  const handler = connectNodeAdapter({
    routes: options.routes,
    interceptors: options.interceptors,
    grpc: true,
    grpcWeb: false,
    connect: false,
    readMaxBytes: limits.maxMessageBytes,
    contextValues: (request) => admitted.get(request as Http2ServerRequest) ?? undefined,
  } as Parameters<typeof connectNodeAdapter>[0]);
  const refused = (refusal: TransportRefusal): void => options.onRefusal?.(refusal);
  let longCalls = 0;

  const serve = async (request: Http2ServerRequest, response: Http2ServerResponse): Promise<void> => {
    const peer = peerOf(request.socket as unknown as TLSSocket);
    const path = request.url;
    if (options.gate !== undefined) {
      let admission: Admission;
      try {
        admission = await options.gate({ path, header: headersOf(request.headers), peer });
      } catch {
        admission = { admit: false, code: Code.Internal, message: 'the call could not be checked' };
      }
      if (!admission.admit) return refuseCall(response, admission.code, admission.message);
      admitted.set(request, admission.contextValues);
    }
    const isLong = limits.longCallPaths.some((suffix) => path.endsWith(suffix));
    if (isLong) {
      if (longCalls >= limits.maxLongCalls) {
        refused({ peer: peer.address, limit: 'long-calls', reason: `${limits.maxLongCalls} streaming calls (logs, file streams) already run`, path });
        return refuseCall(response, Code.ResourceExhausted, `this server already runs ${limits.maxLongCalls} streaming calls (logs, file transfers); try again later`);
      }
      longCalls += 1;
    }
    const deadline = setTimeout(() => {
      refused({ peer: peer.address, limit: 'call-duration', reason: `the call ran longer than ${limits.maxCallMs} ms`, path });
      request.stream.close(http2.NGHTTP2_CANCEL);
    }, isLong ? limits.maxLongCallMs : limits.maxCallMs);
    deadline.unref();
    request.stream.once('close', () => {
      clearTimeout(deadline);
      if (isLong) longCalls -= 1;
    });
    handler(request, response);
  };

  const server = createSecureServer(
    {
      ...options.tls,
      allowHTTP1: false,
      handshakeTimeout: limits.handshakeTimeoutMs,
      maxSessionMemory: limits.maxSessionMemoryMb,
      maxHeaderListPairs: 64,
      settings: { maxConcurrentStreams: limits.maxConcurrentStreams, maxHeaderListSize: limits.maxHeaderBytes },
    },
    (request, response) => void serve(request, response),
  );

  const connectionsByPeer = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (connectionsByPeer.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerPeer) {
      refused({ peer: address, limit: 'connections-per-peer', reason: `${limits.maxConnectionsPerPeer} connections from this address are already open` });
      socket.destroy();
      return;
    }
    connectionsByPeer.set(address, count);
    socket.once('close', () => {
      const left = (connectionsByPeer.get(address) ?? 1) - 1;
      if (left <= 0) connectionsByPeer.delete(address);
      else connectionsByPeer.set(address, left);
    });
  });

  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    let open = 0;
    session.on('stream', (stream) => {
      open += 1;
      stream.once('close', () => (open -= 1));
      // nghttp2 enforces the advertised limit once the client has the settings; a client that races ahead is
      // refused here.
      if (open > limits.maxConcurrentStreams) {
        refused({ peer: session.socket?.remoteAddress ?? 'unknown', limit: 'concurrent-streams', reason: `more than ${limits.maxConcurrentStreams} streams on one connection` });
        stream.close(http2.NGHTTP2_REFUSED_STREAM);
      }
    });
    session.setTimeout(limits.idleTimeoutMs, () => {
      if (open > 0) return;
      refused({ peer: session.socket?.remoteAddress ?? 'unknown', limit: 'idle', reason: `no call for ${limits.idleTimeoutMs} ms` });
      session.close();
    });
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
        for (const session of sessions) {
          session.close();
          // A log follow or a hanging call would hold the session, and the daemon's shutdown, forever.
          setTimeout(() => session.destroy(), closeGraceMs).unref();
        }
      }),
  };
}

const closeGraceMs = 2_000;


/**
 * A trailers-only gRPC answer, then RST_STREAM(NO_ERROR): the client stops sending, and the body it sent is never
 * read (only what fits the stream's flow-control window is ever buffered).
 */
function refuseCall(response: Http2ServerResponse, code: Code, message: string): void {
  const stream = response.stream;
  if (stream.destroyed || stream.closed) return;
  stream.respond(
    { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) },
    { endStream: true },
  );
  stream.close(http2.NGHTTP2_NO_ERROR);
}
