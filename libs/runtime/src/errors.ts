// Typed errors of every runtime backend; the agent maps `kind` to a Connect code in one place.

/**
 * not-found → NotFound, conflict → AlreadyExists, wrong-state → FailedPrecondition,
 * invalid-argument → InvalidArgument, unavailable → Unavailable, failed → Internal.
 */
export type RuntimeErrorKind =
  | 'not-found'
  | 'conflict'
  | 'wrong-state'
  | 'invalid-argument'
  | 'unavailable'
  | 'failed';

export interface RuntimeErrorOptions {
  readonly kind: RuntimeErrorKind;
  readonly backend: string;
  /** What the operation acted on: a container name, an image reference, a socket path. */
  readonly target: string;
  /** What was being done, e.g. 'stop container', 'pull image'. */
  readonly operation: string;
  /** What went wrong, in the backend's words when it gave any. */
  readonly detail: string;
  readonly cause?: unknown;
}

export class RuntimeError extends Error {
  override readonly name: string = 'RuntimeError';
  readonly kind: RuntimeErrorKind;
  readonly backend: string;
  readonly target: string;
  readonly operation: string;
  readonly detail: string;

  constructor(options: RuntimeErrorOptions) {
    super(
      `${options.backend}: ${options.operation} ${options.target}: ${options.detail}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.kind = options.kind;
    this.backend = options.backend;
    this.target = options.target;
    this.operation = options.operation;
    this.detail = options.detail;
  }
}

/** The container or image named by `target` does not exist. */
export class NotFoundError extends RuntimeError {
  override readonly name = 'NotFoundError';
  declare readonly kind: 'not-found';

  constructor(options: Omit<RuntimeErrorOptions, 'kind'>) {
    super({ ...options, kind: 'not-found' });
  }
}

export function isNotFound(error: unknown): error is NotFoundError {
  return error instanceof RuntimeError && error.kind === 'not-found';
}

/** Makes a RuntimeError, or a NotFoundError when the kind says so, so callers can rely on instanceof. */
export function runtimeError(options: RuntimeErrorOptions): RuntimeError {
  const { kind, ...rest } = options;
  return kind === 'not-found' ? new NotFoundError(rest) : new RuntimeError(options);
}
