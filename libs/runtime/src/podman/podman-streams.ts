// libpod's streamed answers as the runtime's async iterables: logs, events, and pull/push progress.
import type { IncomingMessage } from 'node:http';
import { RuntimeError, runtimeError } from '../errors.js';
import type { EventOptions, LogLine, LogOptions, RuntimeEvent } from '../types.js';
import { NODE_LABEL } from '../types.js';
import { encodePathSegment } from './libpod-client.js';
import type { LibpodClient, RequestContext } from './libpod-client.js';
import { classifyPodmanFailure, kindOfPodmanFailure } from './libpod-errors.js';
import { runtimeEventFromLibpod } from './libpod-mapping.js';
import type { LibpodEvent } from './libpod-mapping.js';
import { framesToLogLines, readFrames, readJsonLines } from './stream-decoding.js';

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Opens a streamed request; a non-2xx answer becomes the RuntimeError it stands for. */
async function openOk(
  client: LibpodClient,
  request: Parameters<LibpodClient['open']>[0],
  context: RequestContext,
): Promise<IncomingMessage> {
  const response = await client.open(request, context);
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return response;
  throw client.failure({ status, body: Buffer.from(await readBody(response)) }, context);
}

function streamFailure(error: unknown, context: RequestContext): Error {
  if (error instanceof RuntimeError) return error;
  return runtimeError({
    kind: 'failed',
    backend: 'podman',
    operation: context.operation,
    target: context.target,
    detail: `stream broke off: ${(error as Error).message}`,
    cause: error,
  });
}

export async function* openLogStream(
  client: LibpodClient,
  name: string,
  options: LogOptions,
): AsyncGenerator<LogLine> {
  const context = { operation: 'read logs of container', target: name };
  const response = await openOk(
    client,
    {
      method: 'GET',
      path: `/containers/${encodePathSegment(name)}/logs`,
      query: {
        stdout: true,
        stderr: true,
        follow: options.follow ?? false,
        timestamps: options.timestamps ?? false,
        tail: options.tail,
        since: options.since?.toISOString(),
      },
      signal: options.signal,
    },
    context,
  );
  try {
    yield* framesToLogLines(readFrames(response), { timestamps: options.timestamps ?? false });
  } catch (error) {
    if (options.signal?.aborted === true) return;
    throw streamFailure(error, context);
  } finally {
    response.destroy();
  }
}

export async function* openEventStream(client: LibpodClient, options: EventOptions): AsyncGenerator<RuntimeEvent> {
  const context = { operation: 'watch events of node', target: options.node };
  const filters: Record<string, string[]> = { type: ['container'] };
  if (options.includeUnlabelled !== true) filters.label = [`${NODE_LABEL}=${options.node}`];
  const response = await openOk(
    client,
    {
      method: 'GET',
      path: '/events',
      query: { stream: true, filters: JSON.stringify(filters), since: options.since?.toISOString() },
      signal: options.signal,
    },
    context,
  );
  try {
    for await (const raw of readJsonLines(response)) {
      const event = runtimeEventFromLibpod(raw as LibpodEvent);
      if (event === undefined) continue;
      const node = event.labels[NODE_LABEL];
      if (node === options.node || (options.includeUnlabelled === true && node === undefined)) yield event;
    }
  } catch (error) {
    if (options.signal?.aborted === true) return;
    throw streamFailure(error, context);
  } finally {
    response.destroy();
  }
}

/** Reads pull/push progress to its end; podman reports a failure as a line {"error": …} under HTTP 200. */
export async function readProgressStream(response: IncomingMessage, context: RequestContext): Promise<void> {
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    throw classifyPodmanFailure(status, await readBody(response), context);
  }
  for await (const raw of readJsonLines(response)) {
    const error = (raw as { error?: unknown }).error;
    if (typeof error === 'string' && error !== '') {
      response.destroy();
      throw runtimeError({ kind: kindOfPodmanFailure(status, error), backend: 'podman', ...context, detail: error });
    }
  }
}
