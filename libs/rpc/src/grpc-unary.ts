// One unary gRPC call over an HTTP/2 session, with protobuf-es and nothing of the fetch API on the way of a
// successful call. Connect's own transport builds `Headers` objects for every call, and the first one makes
// Node load its whole fetch implementation (undici): about 40 ms of every `mcp` command's start-up. Here the
// request and the answer stay node:http2 header objects; `Headers` are built only when somebody reads
// them (an `onHeader`/`onTrailer` option) or when the call failed, and then Connect's own gRPC rules
// (`@connectrpc/connect/protocol-grpc`) make the ConnectError, so a failure reads exactly as before.
import { create, fromBinary, toBinary, type DescMessage, type DescMethodUnary, type MessageInitShape } from '@bufbuild/protobuf';
import { Code, ConnectError, type Transport, type UnaryResponse } from '@connectrpc/connect';
import type { Http2SessionManager } from '@connectrpc/connect-node';
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { headersOf } from './web-headers.js';

export interface UnaryCall<I extends DescMessage, O extends DescMessage> {
  readonly method: DescMethodUnary<I, O>;
  readonly input: MessageInitShape<I>;
  /** Sent as `authorization` when not empty. */
  readonly authorization: string;
  readonly header: Parameters<Transport['unary']>[3];
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | undefined;
}

/** The gRPC envelope: a flag byte (bit 0: compressed) and the message's length, big-endian. */
const envelopeHeaderBytes = 5;
const userAgent = 'mcp-grpc/1';

/** Makes one unary call on `sessions`; rejects with the ConnectError Connect's gRPC transport would give. */
export async function callUnary<I extends DescMessage, O extends DescMessage>(
  sessions: Http2SessionManager,
  call: UnaryCall<I, O>,
): Promise<UnaryResponse<I, O>> {
  const { method } = call;
  const body = envelope(toBinary(method.input, create(method.input, call.input)));
  const headers = requestHeaders(call);
  const answer = await exchange(sessions, `/${method.parent.typeName}/${method.name}`, headers, body, call.signal, call.timeoutMs);
  const message = fromBinary(method.output, await responseMessage(answer));
  let header: Headers | undefined;
  let trailer: Headers | undefined;
  return {
    stream: false,
    service: method.parent,
    method,
    message,
    get header() {
      return (header ??= headersOf(answer.headers));
    },
    get trailer() {
      return (trailer ??= headersOf(answer.trailers));
    },
  };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly trailers: IncomingHttpHeaders;
  readonly body: Buffer;
}

function envelope(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(envelopeHeaderBytes + message.byteLength);
  framed.writeUInt8(0, 0);
  framed.writeUInt32BE(message.byteLength, 1);
  framed.set(message, envelopeHeaderBytes);
  return framed;
}

function requestHeaders(call: UnaryCall<DescMessage, DescMessage>): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  // Caller-given metadata is rare (no MCP caller sets any); Headers reads every HeadersInit shape.
  if (call.header !== undefined) new Headers(call.header).forEach((value, key) => (headers[key] = value));
  headers['content-type'] = 'application/grpc+proto';
  headers['user-agent'] ??= userAgent;
  headers.te = 'trailers';
  if (call.timeoutMs !== undefined) headers['grpc-timeout'] = `${call.timeoutMs}m`;
  if (call.authorization !== '') headers.authorization = call.authorization;
  return headers;
}

/** Sends the request and reads the whole answer; rejects on a transport failure, a deadline or an abort. */
function exchange(
  sessions: Http2SessionManager,
  path: string,
  headers: OutgoingHttpHeaders,
  body: Buffer,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let stream: ClientHttp2Stream | undefined;
    let deadline: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (error: ConnectError | undefined, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined && answer !== undefined) return resolve(answer);
      if (stream !== undefined && !stream.closed) stream.close(error?.code === Code.Canceled ? constants.NGHTTP2_CANCEL : constants.NGHTTP2_INTERNAL_ERROR);
      reject(error);
    };
    const onAbort = () => finish(ConnectError.from(signal?.reason, Code.Canceled));
    if (signal?.aborted === true) return onAbort();
    signal?.addEventListener('abort', onAbort);
    if (timeoutMs !== undefined) deadline = setTimeout(() => finish(new ConnectError('the operation timed out', Code.DeadlineExceeded)), timeoutMs);

    sessions.request('POST', path, headers, {}).then(
      (opened) => {
        stream = opened;
        if (settled) {
          opened.close(constants.NGHTTP2_CANCEL);
          return;
        }
        let status = 0;
        let responseHeaders: IncomingHttpHeaders = {};
        let trailers: IncomingHttpHeaders = {};
        const chunks: Buffer[] = [];
        opened.on('response', (received) => {
          status = Number(received[':status']);
          responseHeaders = received;
        });
        opened.on('trailers', (received) => (trailers = received));
        opened.on('data', (chunk: Buffer) => {
          sessions.notifyResponseByteRead(opened);
          chunks.push(chunk);
        });
        opened.on('error', (error: unknown) => finish(connectErrorOfStream(error)));
        opened.on('close', () => {
          const reset = resetError(opened.rstCode);
          if (reset !== undefined) return finish(reset);
          if (status === 0) return finish(new ConnectError('http/2 stream closed before a response', Code.Unavailable));
          finish(undefined, { status, headers: responseHeaders, trailers, body: Buffer.concat(chunks) });
        });
        opened.end(body);
      },
      (error: unknown) => finish(ConnectError.from(error, Code.Unavailable)),
    );
  });
}

/**
 * The one message of a successful answer. Anything else (an HTTP or gRPC error status, a wrong content type, a
 * compressed or missing or extra message) goes to Connect's gRPC rules, which load only then.
 */
async function responseMessage(answer: Answer): Promise<Uint8Array> {
  const contentType = answer.headers['content-type'];
  const fine =
    answer.status === 200 &&
    (contentType === 'application/grpc' || contentType === 'application/grpc+proto') &&
    answer.headers['grpc-status'] === undefined &&
    answer.trailers['grpc-status'] === '0' &&
    answer.trailers['grpc-status-details-bin'] === undefined;
  const message = fine ? onlyMessage(answer.body) : undefined;
  if (message !== undefined) return message;
  throw await answerError(answer);
}

function onlyMessage(body: Buffer): Uint8Array | undefined {
  if (body.byteLength < envelopeHeaderBytes || body.readUInt8(0) !== 0) return undefined;
  const length = body.readUInt32BE(1);
  if (body.byteLength !== envelopeHeaderBytes + length) return undefined;
  return body.subarray(envelopeHeaderBytes);
}

async function answerError(answer: Answer): Promise<ConnectError> {
  const { validateResponse, validateTrailer } = await import('@connectrpc/connect/protocol-grpc');
  const header = headersOf(answer.headers);
  try {
    const { foundStatus, headerError } = validateResponse(answer.status, header);
    if (headerError !== undefined) return headerError;
    if (!foundStatus) validateTrailer(headersOf(answer.trailers), header);
  } catch (error) {
    return ConnectError.from(error);
  }
  if (answer.body.byteLength === 0) return new ConnectError('protocol error: missing output message for unary method', Code.Unimplemented);
  if (answer.body.readUInt8(0) !== 0) return new ConnectError('protocol error: received a compressed message, but none was negotiated', Code.Internal);
  return new ConnectError('protocol error: the answer is not exactly one output message', Code.Unimplemented);
}

/** How Connect's node client words an HTTP/2 stream reset (gRPC's mapping of HTTP/2 codes). */
function resetError(rstCode: number): ConnectError | undefined {
  const reset = resets.get(rstCode);
  if (reset === undefined) return undefined;
  const [name, code] = reset;
  return new ConnectError(`http/2 stream closed with error code ${name} (0x${rstCode.toString(16)})`, code);
}

/** HTTP/2 error codes by number: their names and the Connect code a stream reset with them becomes. */
const resets = new Map<number, readonly [string, Code]>([
  [constants.NGHTTP2_PROTOCOL_ERROR, ['PROTOCOL_ERROR', Code.Internal]],
  [constants.NGHTTP2_INTERNAL_ERROR, ['INTERNAL_ERROR', Code.Internal]],
  [constants.NGHTTP2_FLOW_CONTROL_ERROR, ['FLOW_CONTROL_ERROR', Code.Internal]],
  [constants.NGHTTP2_SETTINGS_TIMEOUT, ['SETTINGS_TIMEOUT', Code.Internal]],
  [constants.NGHTTP2_FRAME_SIZE_ERROR, ['FRAME_SIZE_ERROR', Code.Internal]],
  [constants.NGHTTP2_COMPRESSION_ERROR, ['COMPRESSION_ERROR', Code.Internal]],
  [constants.NGHTTP2_CONNECT_ERROR, ['CONNECT_ERROR', Code.Internal]],
  [constants.NGHTTP2_REFUSED_STREAM, ['REFUSED_STREAM', Code.Unavailable]],
  [constants.NGHTTP2_CANCEL, ['CANCEL', Code.Canceled]],
  [constants.NGHTTP2_ENHANCE_YOUR_CALM, ['ENHANCE_YOUR_CALM', Code.ResourceExhausted]],
  [constants.NGHTTP2_INADEQUATE_SECURITY, ['INADEQUATE_SECURITY', Code.PermissionDenied]],
  [constants.NGHTTP2_HTTP_1_1_REQUIRED, ['HTTP_1_1_REQUIRED', Code.PermissionDenied]],
]);

/** A stream's own failure, coded as Connect's node client codes it (a reset connection: Aborted). */
function connectErrorOfStream(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  const codes = errorChainCodes(error);
  let code = Code.Internal;
  if (codes.some((c) => c === 'ERR_STREAM_DESTROYED' || c === 'ERR_HTTP2_INVALID_STREAM' || c === 'ECONNRESET')) code = Code.Aborted;
  else if (codes.some((c) => c === 'ETIMEDOUT' || c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'ECONNREFUSED')) code = Code.Unavailable;
  const connectError = ConnectError.from(error, code);
  if (connectError !== error) connectError.cause = error;
  return connectError;
}

function errorChainCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  for (let reason = error; reason instanceof Error && !seen.has(reason); reason = reason.cause) {
    seen.add(reason);
    if ('code' in reason && typeof reason.code === 'string') codes.push(reason.code);
  }
  return codes;
}
