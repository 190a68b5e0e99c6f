// Typed errors of the TLS library: what failed, on which file, and why.

export class TlsError extends Error {
  readonly operation: string;
  readonly path: string | undefined;

  constructor(operation: string, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'TlsError';
    this.operation = operation;
    this.path = options.path;
  }
}
