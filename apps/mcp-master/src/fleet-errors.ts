// Typed errors of the fleet operations (deploy, undeploy, status, sync); the RPC boundary maps `kind` to a code.

/**
 * invalid-argument → InvalidArgument (a request field is wrong; the message names it),
 * not-found → NotFound (no such placed service), failed-precondition → FailedPrecondition (cannot place),
 * unavailable → Unavailable (the hosting agent did not answer; nothing was changed, retry later).
 */
export type FleetErrorKind = 'invalid-argument' | 'not-found' | 'failed-precondition' | 'unavailable';

export class FleetError extends Error {
  readonly kind: FleetErrorKind;

  constructor(kind: FleetErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'FleetError';
    this.kind = kind;
  }
}
