// Health checks of boot stages: a TCP connect, an HTTP GET answered 2xx, or a gRPC health call over HTTP/2. Each
// returns a value (healthy, or why not) within its timeout; none throws.
import { parseListenAddress } from '@mcp/config';
import { request as httpRequest } from 'node:http';
import { connect as http2Connect, constants as http2Constants } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect } from 'node:net';

export type CheckKind = 'tcp' | 'grpc' | 'http';

export type CheckTarget =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'http'; readonly url: URL }
  | { readonly kind: 'grpc'; readonly host: string; readonly port: number; readonly tls: boolean };

export type CheckResult = { readonly healthy: true; readonly detail: string } | { readonly healthy: false; readonly reason: string };

export type TargetCheck = { readonly ok: true; readonly target: CheckTarget } | { readonly ok: false; readonly problem: string; readonly expected: string };

function hostPort(text: string): { host: string; port: number } | string {
  const parsed = parseListenAddress(text, { allowWildcard: true });
  if (!parsed.ok) return parsed.problem;
  const { host, port } = parsed.address;
  if (host === '0.0.0.0' || host === '::') return 'a wildcard address is nothing to connect to';
  if (port === 0) return 'port 0 is nothing to connect to';
  return parsed.address;
}

/** Validates a stage's target for its check kind (config.ts reports the problem under the stage's key). */
export function parseCheckTarget(kind: CheckKind, target: string): TargetCheck {
  if (kind === 'http') {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { ok: false, problem: `${JSON.stringify(target)} is not a URL`, expected: 'an http:// or https:// URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { ok: false, problem: `${JSON.stringify(target)} is not http or https`, expected: 'an http:// or https:// URL' };
    }
    return { ok: true, target: { kind, url } };
  }
  const plain = kind === 'grpc' && target.startsWith('http://');
  const address = hostPort(kind === 'grpc' ? target.replace(/^https?:\/\//, '') : target);
  if (typeof address === 'string') {
    const expected = kind === 'grpc' ? 'host:port (TLS) or http://host:port (h2c)' : 'host:port';
    return { ok: false, problem: `${JSON.stringify(target)}: ${address}`, expected };
  }
  return kind === 'tcp' ? { ok: true, target: { kind, ...address } } : { ok: true, target: { kind, ...address, tls: !plain } };
}

export function describeTarget(target: CheckTarget): string {
  if (target.kind === 'http') return `http GET ${target.url.href}`;
  const address = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  return target.kind === 'tcp' ? `tcp ${address}` : `grpc ${target.tls ? '' : 'h2c '}${address}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkTcp(host: string, port: number, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ healthy: true, detail: 'connected' });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ healthy: false, reason: `no connection within ${timeoutMs} ms` });
    });
    socket.once('error', (error) => resolve({ healthy: false, reason: error.message }));
  });
}

/** Certificates are not verified: the check asks whether the service answers, not who it is (as Kubernetes probes do). */
function checkHttp(url: URL, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'GET', timeout: timeoutMs, rejectUnauthorized: false }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 300 ? { healthy: true, detail: `HTTP ${status}` } : { healthy: false, reason: `HTTP ${status}` });
    });
    request.once('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.once('error', (error) => resolve({ healthy: false, reason: error.message }));
    request.end();
  });
}

const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
/** gRPC codes that prove a gRPC server answers although it has no (open) health service. */
const ANSWERING_CODES = new Map([
  [7, 'PermissionDenied'],
  [12, 'Unimplemented'],
  [16, 'Unauthenticated'],
]);

/**
 * gRPC's mapping of an HTTP status that came without a gRPC status (grpc/doc/http-grpc-status-mapping.md): a route
 * the server does not have is a 404, which gRPC clients read as Unimplemented. Undefined: no gRPC meaning.
 */
function grpcCodeOfHttpStatus(status: number): number | undefined {
  const mapped: Record<number, number> = { 400: 13, 401: 16, 403: 7, 404: 12, 429: 14, 502: 14, 503: 14, 504: 14 };
  return mapped[status];
}

/** The `status` of a HealthCheckResponse in one gRPC frame (field 1, varint; absent = UNKNOWN). */
function servingStatus(body: Buffer): number {
  const message = body.subarray(5, 5 + body.readUInt32BE(1));
  // Field 1 (tag 0x08) is the message's only field, and its values fit in one varint byte.
  return message[0] === 0x08 ? (message[1] ?? 0) : 0;
}

/**
 * Calls grpc.health.v1.Health/Check (overall health, empty service name) over HTTP/2 — TLS unverified, or h2c. SERVING
 * is healthy; a gRPC answer of Unimplemented, Unauthenticated or PermissionDenied (a gRPC server without an open
 * health service, such as an MCP agent) counts as up; anything else, or no answer, is not healthy.
 */
function checkGrpc(target: Extract<CheckTarget, { kind: 'grpc' }>, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    const session = http2Connect(`${target.tls ? 'https' : 'http'}://${host}:${target.port}`, { rejectUnauthorized: false });
    let settled = false;
    const finish = (result: CheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ healthy: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    session.once('error', (error) => finish({ healthy: false, reason: messageOf(error) }));
    const stream = session.request({
      [http2Constants.HTTP2_HEADER_METHOD]: 'POST',
      [http2Constants.HTTP2_HEADER_PATH]: '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let headers: Record<string, unknown> = {};
    let trailers: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    stream.once('response', (received) => (headers = received));
    stream.once('trailers', (received) => (trailers = received));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('error', (error) => finish({ healthy: false, reason: messageOf(error) }));
    stream.once('end', () => {
      const httpStatus = Number(headers[':status']);
      const grpcStatus = trailers['grpc-status'] ?? headers['grpc-status'];
      const code = grpcStatus === undefined ? grpcCodeOfHttpStatus(httpStatus) : Number(grpcStatus);
      if (code === undefined) {
        finish({ healthy: false, reason: `HTTP ${httpStatus} without a gRPC status: not a gRPC server` });
        return;
      }
      const answering = ANSWERING_CODES.get(code);
      if (answering !== undefined) finish({ healthy: true, detail: `a gRPC server answers (${answering})` });
      else if (code !== 0) finish({ healthy: false, reason: `gRPC status ${code}: ${String(trailers['grpc-message'] ?? headers['grpc-message'] ?? '')}` });
      else {
        const body = Buffer.concat(chunks);
        const status = body.length >= 5 ? servingStatus(body) : 0;
        const name = SERVING_STATUS[status] ?? String(status);
        finish(status === 1 ? { healthy: true, detail: 'SERVING' } : { healthy: false, reason: `health service says ${name}` });
      }
    });
    // One empty HealthCheckRequest: not compressed, length 0.
    stream.end(Buffer.alloc(5));
  });
}

export function runHealthCheck(target: CheckTarget, timeoutMs: number): Promise<CheckResult> {
  switch (target.kind) {
    case 'tcp':
      return checkTcp(target.host, target.port, timeoutMs);
    case 'http':
      return checkHttp(target.url, timeoutMs);
    case 'grpc':
      return checkGrpc(target, timeoutMs);
  }
}
