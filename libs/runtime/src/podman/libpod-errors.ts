// Turns podman's error answers ({cause, message, response} or a streamed {"error": …}) into RuntimeErrors.
import { runtimeError } from '../errors.js';
import type { RuntimeError, RuntimeErrorKind } from '../errors.js';

interface Context {
  readonly operation: string;
  readonly target: string;
}

// podman answers several of these with 500, so the cause text decides, not only the status.
const NOT_FOUND = /no such container|no such image|image not known|manifest unknown|name unknown|no such object/i;
const CONFLICT = /already in use|already exists/i;
const WRONG_STATE = /state improper|is not running|is running/i;
const UNREACHABLE = /connection refused|no such host|i\/o timeout|network is unreachable|dial tcp/i;

export function kindOfPodmanFailure(status: number, text: string): RuntimeErrorKind {
  if (status === 404 || NOT_FOUND.test(text)) return 'not-found';
  if (status === 409 || CONFLICT.test(text)) return 'conflict';
  if (WRONG_STATE.test(text)) return 'wrong-state';
  if (UNREACHABLE.test(text)) return 'unavailable';
  if (status === 400) return 'invalid-argument';
  return 'failed';
}

function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; cause?: unknown; error?: unknown };
    for (const candidate of [parsed.message, parsed.error, parsed.cause]) {
      if (typeof candidate === 'string' && candidate !== '') return candidate;
    }
  } catch {
    // Not JSON: podman sometimes answers in plain text; fall through to the raw body.
  }
  return body.trim() === '' ? 'no detail given' : body.trim();
}

export function classifyPodmanFailure(status: number, body: string, context: Context): RuntimeError {
  const detail = messageOf(body);
  return runtimeError({
    kind: kindOfPodmanFailure(status, detail),
    backend: 'podman',
    operation: context.operation,
    target: context.target,
    detail: status === 0 ? detail : `${detail} (HTTP ${status})`,
  });
}
