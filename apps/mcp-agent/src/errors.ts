// Typed errors raised inside the agent; the RPC layer maps each `kind` to one Connect code.

/**
 * What went wrong, in the words the RPC boundary maps to a code:
 * invalid-argument → InvalidArgument, not-found → NotFound, too-large → ResourceExhausted,
 * failed-precondition → FailedPrecondition (wrong state), unavailable → Unavailable (a backend is down).
 * Add a kind here (and its mapping there) when a new error class needs one.
 */
export type AgentErrorKind =
  | 'invalid-argument'
  | 'not-found'
  | 'already-exists'
  | 'too-large'
  | 'failed-precondition'
  | 'unavailable';

/** Base of every agent error: a kind for the boundary, a message for people, a chained cause. */
export abstract class AgentError extends Error {
  abstract readonly kind: AgentErrorKind;
}

/** Longest rendering of a client-supplied value inside a message; the full value stays on the error. */
const MAX_QUOTED_CHARS = 120;

/** Quotes a client-supplied value for a message: escaped (so control characters show) and shortened. */
export function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const shown = text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
  return JSON.stringify(shown);
}

export interface InvalidArgumentDetails {
  /** The request field that was wrong, e.g. `path`, `service`, `mode`. */
  readonly field: string;
  /** The value as received. */
  readonly value: unknown;
  /** What is wrong with it, e.g. `contains a ".." segment`. */
  readonly problem: string;
  /** What would have been accepted. */
  readonly expected: string;
  /** The service the request was about, when known and not itself the bad field. */
  readonly service?: string;
  readonly cause?: unknown;
}

/** A request field the agent refuses; says which field, what is wrong and what was expected. */
export class InvalidArgumentError extends AgentError {
  readonly kind = 'invalid-argument';
  readonly field: string;
  readonly value: unknown;
  readonly problem: string;
  readonly expected: string;
  readonly service: string | undefined;

  constructor(details: InvalidArgumentDetails) {
    const where =
      details.service !== undefined && details.field !== 'service'
        ? ` for service ${quoteValue(details.service)}`
        : '';
    super(
      `${details.field} ${quoteValue(details.value)}${where} ${details.problem}; expected ${details.expected}`,
      { cause: details.cause },
    );
    this.name = 'InvalidArgumentError';
    this.field = details.field;
    this.value = details.value;
    this.problem = details.problem;
    this.expected = details.expected;
    this.service = details.service;
  }
}

/** A service name or file path that would not stay inside the service's directory, or names no file. */
export class InvalidPathError extends InvalidArgumentError {
  constructor(details: InvalidArgumentDetails) {
    super(details);
    this.name = 'InvalidPathError';
  }
}

export interface NotFoundDetails {
  /** What kind of thing is missing, e.g. `file`, `service directory`. */
  readonly resource: string;
  /** Its name as the caller gave it. */
  readonly name: string;
  /** Where it was looked for, e.g. `service "web"`. */
  readonly where?: string;
  readonly cause?: unknown;
}

/** Something the request names does not exist. */
export class NotFoundError extends AgentError {
  readonly kind = 'not-found';
  readonly resource: string;
  readonly resourceName: string;
  readonly where: string | undefined;

  constructor(details: NotFoundDetails) {
    const where = details.where === undefined ? '' : ` in ${details.where}`;
    super(`${details.resource} ${quoteValue(details.name)} not found${where}`, {
      cause: details.cause,
    });
    this.name = 'NotFoundError';
    this.resource = details.resource;
    this.resourceName = details.name;
    this.where = details.where;
  }
}

export interface FileTooLargeDetails {
  readonly service: string;
  readonly path: string;
  readonly limitBytes: number;
  /** The size seen when the limit was crossed: exact for a file on disk, a lower bound for a stream. */
  readonly sizeBytes: number;
  readonly direction: 'write' | 'read';
}

/** A file (being pushed or pulled) is larger than the configured limit. */
export class FileTooLargeError extends AgentError {
  readonly kind = 'too-large';
  readonly service: string;
  readonly path: string;
  readonly limitBytes: number;
  readonly sizeBytes: number;
  readonly direction: 'write' | 'read';

  constructor(details: FileTooLargeDetails) {
    const size =
      details.direction === 'write'
        ? `more than ${details.limitBytes} bytes`
        : `${details.sizeBytes} bytes`;
    super(
      `file ${quoteValue(details.path)} of service ${quoteValue(details.service)} is ${size}; ` +
        `expected at most ${details.limitBytes} bytes (the agent's file size limit)`,
    );
    this.name = 'FileTooLargeError';
    this.service = details.service;
    this.path = details.path;
    this.limitBytes = details.limitBytes;
    this.sizeBytes = details.sizeBytes;
    this.direction = details.direction;
  }
}

/** The request is valid but the agent's state does not allow it (e.g. restarting a stopped service). */
export class FailedPreconditionError extends AgentError {
  readonly kind = 'failed-precondition';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'FailedPreconditionError';
  }
}

/** A backend the agent needs (podman, QEMU) cannot be reached; says which and why. */
export class BackendUnavailableError extends AgentError {
  readonly kind = 'unavailable';
  readonly backend: string;

  constructor(backend: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BackendUnavailableError';
    this.backend = backend;
  }
}

/** What the request would create exists already (e.g. /srv/<service>/ on an import without force). */
export class AlreadyExistsError extends AgentError {
  readonly kind = 'already-exists';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AlreadyExistsError';
  }
}
