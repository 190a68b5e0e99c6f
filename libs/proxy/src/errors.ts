// Typed errors of the proxy lib: which proxy operation failed and why.

export type ProxyErrorKind = 'invalid-route' | 'unreachable' | 'refused' | 'config' | 'process';

export class ProxyError extends Error {
  readonly kind: ProxyErrorKind;
  readonly driver: string;

  constructor(kind: ProxyErrorKind, driver: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ProxyError';
    this.kind = kind;
    this.driver = driver;
  }
}
