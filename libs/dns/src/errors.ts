// Typed errors of the DNS drivers; callers map `kind` to a step failure or a Connect code in one place.
import type { DnsDriverKind } from './types.js';

/**
 * unreachable: no HTTP answer (refused, timeout, TLS). unauthorized: 401/403, the key or token is wrong.
 * not-found: the zone does not exist there. refused: the server answered 4xx to the change (PowerDNS 422).
 * failed: a 5xx, or an answer that is not what the contract says.
 */
export type DnsErrorKind = 'unreachable' | 'unauthorized' | 'not-found' | 'refused' | 'failed';

export interface DnsErrorOptions {
  readonly kind: DnsErrorKind;
  readonly driver: DnsDriverKind;
  /** What was being done: `list zone svc.mcp.test`, `set hello A`. */
  readonly operation: string;
  /** The server's own words (its error text), or what went wrong on the way. */
  readonly detail: string;
  /** HTTP status when the server answered. */
  readonly status?: number;
  readonly cause?: unknown;
}

export class DnsError extends Error {
  override readonly name: string = 'DnsError';
  readonly kind: DnsErrorKind;
  readonly driver: DnsDriverKind;
  readonly operation: string;
  readonly detail: string;
  readonly status: number | undefined;

  constructor(options: DnsErrorOptions) {
    const status = options.status === undefined ? '' : ` (HTTP ${options.status})`;
    super(`${options.driver}: ${options.operation}: ${options.detail}${status}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind;
    this.driver = options.driver;
    this.operation = options.operation;
    this.detail = options.detail;
    this.status = options.status;
  }
}

/** The kind of a non-2xx answer. */
export function kindOfStatus(status: number): DnsErrorKind {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status >= 400 && status < 500) return 'refused';
  return 'failed';
}
