// PushFile/PullFile and their streaming forms: one file into or out of /srv/<service>/, through service-files.ts.
import { create } from '@bufbuild/protobuf';
import { TimestampSchema, type Timestamp } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  FileHeaderSchema,
  PullFileResponseSchema,
  PullFileStreamResponseSchema,
  PushFileResponseSchema,
  PushFileStreamResponseSchema,
  type FileHeader,
  type PushFileStreamRequest,
} from '@mcp/proto';
import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { HandlerGroup } from '../agent-handlers.js';
import type { AgentDeps } from '../deps.js';
import { FileTooLargeError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { guardServicePath } from '../path-guard.js';
import {
  READ_CHUNK_BYTES,
  readServiceFile,
  readServiceFileChunks,
  writeServiceFile,
  type ServiceFileLocation,
} from '../service-files.js';

/** Most bytes PushFile and PullFile carry in one message; larger files go through the streaming RPCs. */
export const UNARY_FILE_LIMIT_BYTES = 1024 * 1024;
/** Largest data frame PushFileStream accepts (the proto's bound). */
export const MAX_PUSH_FRAME_BYTES = 1024 * 1024;
/** Size of the data frames PullFileStream sends. */
export const PULL_FRAME_BYTES = READ_CHUNK_BYTES;

const SHA256_HEX = /^[0-9a-f]{64}$/;

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Over the unary bound but within the agent's limit: the streaming RPC would take it, so say so. */
function unaryTooLarge(
  method: 'PushFile' | 'PullFile',
  location: ServiceFileLocation,
  sizeBytes: number,
  limitBytes: number,
): ConnectError {
  return new ConnectError(
    `file ${JSON.stringify(location.path)} of service ${JSON.stringify(location.service)} is ${sizeBytes} bytes; ` +
      `${method} carries at most ${UNARY_FILE_LIMIT_BYTES} bytes: ` +
      `use ${method}Stream for files up to the agent's limit of ${limitBytes} bytes`,
    Code.ResourceExhausted,
  );
}

/** Mode and modification time (to the nanosecond) of the file a read just checked (it was found a moment ago). */
async function fileStats(location: ServiceFileLocation): Promise<{ mode: number; modifiedAt: Timestamp }> {
  const guarded = await guardServicePath(location);
  let stats: BigIntStats;
  try {
    stats = await stat(guarded.target, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new NotFoundError({ resource: 'file', name: location.path, where: `service "${location.service}"`, cause: error });
  }
  const modifiedAt = create(TimestampSchema, {
    seconds: stats.mtimeNs / 1_000_000_000n,
    nanos: Number(stats.mtimeNs % 1_000_000_000n),
  });
  return { mode: Number(stats.mode & 0o777n), modifiedAt };
}

function frameError(field: string, value: unknown, problem: string, expected: string, service?: string) {
  return new InvalidArgumentError({ field, value, problem, expected, ...(service === undefined ? {} : { service }) });
}

/** Checks a push header before any data is read: its size within the limit, its checksum well formed. */
function checkPushHeader(header: FileHeader, maxFileBytes: number): number {
  const declared = Number(header.sizeBytes);
  if (!Number.isSafeInteger(declared) || declared < 0) {
    const expected = 'the number of bytes the data frames add up to';
    throw frameError('header.size_bytes', header.sizeBytes.toString(), 'is not a size', expected, header.service);
  }
  if (declared > maxFileBytes) {
    const { service, path } = header;
    throw new FileTooLargeError({ service, path, limitBytes: maxFileBytes, sizeBytes: declared, direction: 'write' });
  }
  if (header.sha256 !== '' && !SHA256_HEX.test(header.sha256)) {
    const expected = '64 lower-case hex digits, or "" when unknown';
    throw frameError('header.sha256', header.sha256, 'is not a SHA-256', expected, header.service);
  }
  return declared;
}

/** The data frames after the header, checked as they pass: no second header, sizes and checksum as declared. */
async function* dataFrames(
  frames: AsyncIterator<PushFileStreamRequest>,
  header: FileHeader,
  declared: number,
  digest: { value: string },
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let received = 0;
  for (let next = await frames.next(); next.done !== true; next = await frames.next()) {
    const frame = next.value.frame;
    const service = header.service;
    if (frame.case === 'header') {
      throw frameError('header', header.path, 'was sent twice', 'one header frame, first, then only data frames', service);
    }
    if (frame.case !== 'data') {
      throw frameError('frame', '(empty)', 'carries neither header nor data', 'data frames after the header', service);
    }
    const size = frame.value.byteLength;
    if (size > MAX_PUSH_FRAME_BYTES) {
      throw frameError('data', `${size} bytes`, 'is too large a frame', `at most ${MAX_PUSH_FRAME_BYTES} bytes per frame`, service);
    }
    received += size;
    if (received > declared) {
      throw frameError('data', `${received} bytes so far`, 'exceeds header.size_bytes', `exactly ${declared} bytes`, service);
    }
    hash.update(frame.value);
    yield frame.value;
  }
  if (received !== declared) {
    throw frameError('data', `${received} bytes`, 'ended short of header.size_bytes', `exactly ${declared} bytes`, header.service);
  }
  digest.value = hash.digest('hex');
  if (header.sha256 !== '' && header.sha256 !== digest.value) {
    const problem = `does not match the data received (${digest.value})`;
    throw frameError('header.sha256', header.sha256, problem, 'the SHA-256 of the content', header.service);
  }
}

export const fileRpcs: HandlerGroup = (deps: AgentDeps) => {
  const root = deps.files.root;
  const maxFileBytes = deps.files.maxFileBytes;
  const unaryLimit = Math.min(maxFileBytes, UNARY_FILE_LIMIT_BYTES);

  return {
    async pushFile(request) {
      const location = { root, service: request.service, path: request.path };
      const size = request.content.byteLength;
      if (size > unaryLimit && size <= maxFileBytes) throw unaryTooLarge('PushFile', location, size, maxFileBytes);
      const written = await writeServiceFile({
        ...location,
        data: request.content,
        ...(request.mode === 0 ? {} : { mode: request.mode }),
        maxBytes: maxFileBytes,
      });
      return create(PushFileResponseSchema, {
        path: request.path,
        sizeBytes: BigInt(written.sizeBytes),
        sha256: sha256(request.content),
      });
    },

    async pullFile(request) {
      const location = { root, service: request.service, path: request.path };
      let content: Uint8Array;
      try {
        content = await readServiceFile({ ...location, maxBytes: unaryLimit });
      } catch (error) {
        const streamable =
          error instanceof FileTooLargeError && error.sizeBytes <= maxFileBytes && unaryLimit < maxFileBytes;
        if (streamable) throw unaryTooLarge('PullFile', location, error.sizeBytes, maxFileBytes);
        throw error;
      }
      const stats = await fileStats(location);
      return create(PullFileResponseSchema, {
        content,
        mode: stats.mode,
        sizeBytes: BigInt(content.byteLength),
        modifiedAt: stats.modifiedAt,
        sha256: sha256(content),
      });
    },

    async pushFileStream(requests) {
      const frames = requests[Symbol.asyncIterator]();
      const first = await frames.next();
      const expected = 'a header frame first, then data frames';
      if (first.done === true) throw frameError('header', '(none)', 'is missing: the stream carried no frame', expected);
      if (first.value.frame.case !== 'header') {
        const problem = 'is missing: the first frame is not a header';
        throw frameError('header', first.value.frame.case ?? '(empty frame)', problem, expected);
      }
      const header = first.value.frame.value;
      const declared = checkPushHeader(header, maxFileBytes);
      const digest = { value: '' };
      const written = await writeServiceFile({
        root,
        service: header.service,
        path: header.path,
        chunks: dataFrames(frames, header, declared, digest),
        ...(header.mode === 0 ? {} : { mode: header.mode }),
        maxBytes: maxFileBytes,
      });
      return create(PushFileStreamResponseSchema, {
        path: header.path,
        sizeBytes: BigInt(written.sizeBytes),
        sha256: digest.value,
      });
    },

    // The header carries the size and SHA-256, so the file is read twice: once to hash, once to send. Should it
    // change in between, the stream ends with Aborted rather than with bytes that do not match the header.
    async *pullFileStream(request) {
      const location = { root, service: request.service, path: request.path };
      const hash = createHash('sha256');
      let sizeBytes = 0;
      for await (const chunk of readServiceFileChunks({ ...location, maxBytes: maxFileBytes })) {
        hash.update(chunk);
        sizeBytes += chunk.byteLength;
      }
      const expected = hash.digest('hex');
      const stats = await fileStats(location);
      const header = create(FileHeaderSchema, {
        service: request.service,
        path: request.path,
        mode: stats.mode,
        sizeBytes: BigInt(sizeBytes),
        modifiedAt: stats.modifiedAt,
        sha256: expected,
      });
      yield create(PullFileStreamResponseSchema, { frame: { case: 'header', value: header } });
      const sent = createHash('sha256');
      const frames = readServiceFileChunks({ ...location, maxBytes: maxFileBytes, chunkBytes: PULL_FRAME_BYTES });
      for await (const chunk of frames) {
        sent.update(chunk);
        yield create(PullFileStreamResponseSchema, { frame: { case: 'data', value: chunk } });
      }
      if (sent.digest('hex') !== expected) {
        throw new ConnectError(
          `file ${JSON.stringify(request.path)} of service ${JSON.stringify(request.service)} changed while it was being sent; pull it again`,
          Code.Aborted,
        );
      }
    },
  };
};
