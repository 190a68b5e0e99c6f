// Connect server interceptor: authenticates the bearer token, applies the policy, sets the caller, audits the call.
// Behind the auth gate (auth-gate.ts) the call arrives already admitted and only its outcome is audited here.
import type { Interceptor, StreamResponse } from '@connectrpc/connect';
import { Code, ConnectError } from '@connectrpc/connect';
import type { AuditDecision, AuditLogger } from './audit.js';
import { auditWriter } from './audit.js';
import { authenticate, type PeerIdentityRule } from './authenticate.js';
import { callerKey, peerKey } from './caller-context.js';
import type { Clock } from './clock.js';
import type { Identity, TokenValidator } from './identity.js';
import type { AuthorizationPolicy } from './policy.js';

export interface AuthInterceptorOptions {
  readonly validator: TokenValidator;
  readonly policy: AuthorizationPolicy;
  readonly log: AuditLogger;
  readonly clock: Clock;
  readonly peerIdentity?: PeerIdentityRule;
}

/**
 * Put it first in the interceptor list (outermost), so that its audit line carries the code the
 * client finally receives, after any error-mapping or rate-limit interceptor inside it.
 */
export function createAuthInterceptor(options: AuthInterceptorOptions): Interceptor {
  const { clock } = options;
  const write = auditWriter(options.log, clock);
  return (next) => async (request) => {
    const startedMs = clock.now();
    const service = request.service.typeName;
    const method = request.method.name;
    const peer = request.contextValues.get(peerKey);
    let caller: Identity | undefined = request.contextValues.get(callerKey);
    const audit = (decision: AuditDecision, code: Code | undefined, reason?: string): void =>
      write({ service, method, caller, peer, startedMs, decision, code, ...(reason === undefined ? {} : { reason }) });

    if (caller === undefined) {
      const outcome = await authenticate({ service, method, authorization: request.header.get('authorization'), peer }, options);
      if (!outcome.ok) {
        caller = outcome.identity;
        audit('refused', outcome.code, outcome.reason);
        throw new ConnectError(outcome.message, outcome.code);
      }
      caller = outcome.identity;
      request.contextValues.set(callerKey, caller);
    }

    // Exactly one line per call: the first of completion, failure or the client going away wins.
    // A client that leaves ends the call's signal, while a stream handler may sit waiting forever.
    let finished = false;
    const finish = (code: Code | undefined): void => {
      if (finished) return;
      finished = true;
      request.signal.removeEventListener('abort', onAbort);
      audit('accepted', code);
    };
    const onAbort = (): void => finish(ConnectError.from(request.signal.reason ?? 'aborted', Code.Canceled).code);
    request.signal.addEventListener('abort', onAbort);
    let response;
    try {
      response = await next(request);
    } catch (error) {
      finish(ConnectError.from(error).code);
      throw error;
    }
    if (!response.stream) {
      finish(undefined);
      return response;
    }
    const streamed: StreamResponse = { ...response, message: auditedStream(response.message, finish) };
    return streamed;
  };
}

// A server stream's outcome is known only when its last message is sent, or it fails, or the client leaves.
async function* auditedStream<T>(messages: AsyncIterable<T>, finish: (code: Code | undefined) => void): AsyncGenerator<T> {
  let code: Code | undefined = Code.Canceled;
  try {
    for await (const message of messages) yield message;
    code = undefined;
  } catch (error) {
    code = ConnectError.from(error).code;
    throw error;
  } finally {
    finish(code);
  }
}
