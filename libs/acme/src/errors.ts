// Typed errors of the ACME lib: which hostname, which step, and the CA's own reason.

export type AcmeStep = 'account' | 'order' | 'challenge' | 'finalize' | 'check' | 'store';

export class AcmeError extends Error {
  readonly hostname: string;
  readonly step: AcmeStep;

  constructor(hostname: string, step: AcmeStep, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AcmeError';
    this.hostname = hostname;
    this.step = step;
  }
}
