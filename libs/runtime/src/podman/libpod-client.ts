// HTTP client for podman's libpod REST API over its unix socket (about 3x faster than the CLI for queries).
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { runtimeError } from '../errors.js';
import type { RuntimeError } from '../errors.js';
import { classifyPodmanFailure } from './libpod-errors.js';

/** Any libpod version podman 4.x and 5.x both serve; the API we use did not change across them. */
const API_PREFIX = '/v4.0.0/libpod';

export type QueryValue = string | number | boolean | undefined;

export interface LibpodRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path under /libpod, e.g. `/containers/json`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly json?: unknown;
  readonly signal?: AbortSignal | undefined;
}

/** What a request was for, so a failure can say what and where. */
export interface RequestContext {
  readonly operation: string;
  readonly target: string;
}

export interface LibpodResponse {
  readonly status: number;
  readonly body: Buffer;
}

export interface LibpodClient {
  readonly socketPath: string;
  /** Sends a request and reads the whole answer; only transport failures throw. */
  request(request: LibpodRequest, context: RequestContext): Promise<LibpodResponse>;
  /** Sends a request and resolves at the response headers, for streamed answers. */
  open(request: LibpodRequest, context: RequestContext): Promise<IncomingMessage>;
  /** The error a non-2xx answer stands for. */
  failure(response: LibpodResponse, context: RequestContext): RuntimeError;
  close(): void;
}

export function encodePathSegment(value: string): string {
  return encodeURIComponent(value);
}

function buildPath(request: LibpodRequest): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) query.set(key, String(value));
  }
  const search = query.toString();
  return `${API_PREFIX}${request.path}${search === '' ? '' : `?${search}`}`;
}

export function createLibpodClient(options: { socketPath: string }): LibpodClient {
  const { socketPath } = options;
  // Keep-alive saves a connect per call; idle sockets are unref'd by Node, so they never hold a process open.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  const transportError = (error: unknown, context: RequestContext): RuntimeError => {
    const code = (error as NodeJS.ErrnoException).code;
    const unreachable = code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES';
    return runtimeError({
      kind: unreachable ? 'unavailable' : 'failed',
      backend: 'podman',
      operation: context.operation,
      target: context.target,
      detail: unreachable
        ? `podman API socket ${socketPath} is not reachable (${code}); is \`podman system service\` running?`
        : `request to the podman API failed: ${(error as Error).message}`,
      cause: error,
    });
  };

  const open = (request: LibpodRequest, context: RequestContext): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const body = request.json === undefined ? undefined : Buffer.from(JSON.stringify(request.json));
      const outgoing = http.request({
        agent,
        socketPath,
        method: request.method,
        path: buildPath(request),
        headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': body.length },
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      outgoing.on('response', resolve);
      outgoing.on('error', (error) => reject(transportError(error, context)));
      outgoing.end(body);
    });

  const request = async (request: LibpodRequest, context: RequestContext): Promise<LibpodResponse> => {
    const response = await open(request, context);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response) chunks.push(chunk as Buffer);
    } catch (error) {
      throw transportError(error, context);
    }
    return { status: response.statusCode ?? 0, body: Buffer.concat(chunks) };
  };

  return {
    socketPath,
    request,
    open,
    failure: (response, context) => classifyPodmanFailure(response.status, response.body.toString('utf8'), context),
    close: () => agent.destroy(),
  };
}
