// The one place where errors thrown by handlers become Connect errors with the right code.
import { Code, ConnectError, type Interceptor, type StreamResponse } from '@connectrpc/connect';
import { randomUUID } from 'node:crypto';

/** What a thrown error means to a caller; each app maps its libs' typed errors to one of these. */
export type ErrorClass =
  | 'invalid-argument'
  | 'not-found'
  | 'already-exists'
  | 'failed-precondition'
  | 'unavailable'
  | 'unimplemented'
  | 'deadline-exceeded'
  | 'resource-exhausted';

const codes: Record<ErrorClass, Code> = {
  'invalid-argument': Code.InvalidArgument,
  'not-found': Code.NotFound,
  'already-exists': Code.AlreadyExists,
  'failed-precondition': Code.FailedPrecondition,
  unavailable: Code.Unavailable,
  unimplemented: Code.Unimplemented,
  'deadline-exceeded': Code.DeadlineExceeded,
  'resource-exhausted': Code.ResourceExhausted,
};

export interface ErrorLog {
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ErrorInterceptorOptions {
  /** Says what an error means; undefined means "unexpected" (Internal, generic message, logged). */
  classify: (error: unknown) => ErrorClass | undefined;
  log: ErrorLog;
}

/** Converts anything thrown into a ConnectError a person can act on. */
export function toConnectError(error: unknown, options: ErrorInterceptorOptions, procedure: string): ConnectError {
  if (error instanceof ConnectError) return error;
  const errorClass = options.classify(error);
  if (errorClass !== undefined) {
    return new ConnectError(error instanceof Error ? error.message : String(error), codes[errorClass], undefined, undefined, error);
  }
  // Unexpected: the caller gets an id to quote, the log gets the cause, once, here.
  const incident = randomUUID();
  options.log.error({ err: error, procedure, incident }, 'unexpected error in handler');
  return new ConnectError(`internal error in ${procedure} (incident ${incident}; details are in the server log)`, Code.Internal);
}

async function* guardStream<T>(
  messages: AsyncIterable<T>,
  options: ErrorInterceptorOptions,
  procedure: string,
): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (error) {
    throw toConnectError(error, options, procedure);
  }
}

/** A server interceptor mapping errors of unary and streaming handlers alike. */
export function createErrorInterceptor(options: ErrorInterceptorOptions): Interceptor {
  return (next) => async (req) => {
    const procedure = req.method.name;
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: guardStream(res.message, options, procedure) } as StreamResponse;
    } catch (error) {
      throw toConnectError(error, options, procedure);
    }
  };
}
