// Connect server interceptor: authenticates the bearer token, applies the policy, sets the caller, audits the call.
import type { Interceptor, StreamResponse } from '@connectrpc/connect';
import { Code, ConnectError } from '@connectrpc/connect';
import type { AuditDecision, AuditLogger, AuditRecord } from './audit.js';
import { auditMessage, outcomeOf } from './audit.js';
import { bearerTokenOf } from './bearer.js';
import { callerKey } from './caller-context.js';
import type { Clock } from './clock.js';
import type { Identity, TokenValidator } from './identity.js';
import type { AuthorizationPolicy } from './policy.js';

export interface AuthInterceptorOptions {
  readonly validator: TokenValidator;
  readonly policy: AuthorizationPolicy;
  readonly log: AuditLogger;
  readonly clock: Clock;
}

/**
 * Put it first in the interceptor list (outermost), so that its audit line carries the code the
 * client finally receives, after any error-mapping or rate-limit interceptor inside it.
 */
export function createAuthInterceptor(options: AuthInterceptorOptions): Interceptor {
  const { validator, policy, log, clock } = options;
  return (next) => async (request) => {
    const startedMs = clock.now();
    const service = request.service.typeName;
    const method = request.method.name;
    let caller: Identity | undefined;
    const audit = (decision: AuditDecision, code: Code | undefined, reason?: string): void => {
      const record: AuditRecord = {
        audit: true,
        rpc: `/${service}/${method}`,
        caller: caller?.name ?? null,
        account: caller?.account ?? null,
        decision,
        outcome: outcomeOf(code),
        ...(reason === undefined ? {} : { reason }),
        startedAt: new Date(startedMs).toISOString(),
        durationMs: Math.max(0, clock.now() - startedMs),
      };
      log.info({ ...record }, auditMessage);
    };
    const refuse = (code: Code, reason: string, clientMessage = reason): never => {
      audit('refused', code, reason);
      throw new ConnectError(clientMessage, code);
    };

    const bearer = bearerTokenOf(request.header.get('authorization'));
    if (!bearer.ok) return refuse(Code.Unauthenticated, bearer.reason);
    try {
      caller = await validator.validate(bearer.token);
    } catch (error) {
      const reason = `token validation failed: ${redact(String((error as Error).message ?? error), bearer.token)}`;
      return refuse(Code.Unavailable, reason, 'cannot validate tokens at the moment; try again later');
    }
    if (caller === undefined) return refuse(Code.Unauthenticated, 'token not recognised');
    const decision = policy({ service, method, identity: caller });
    if (!decision.allowed) {
      return refuse(Code.PermissionDenied, decision.reason, `${caller.name} may not call ${method}: ${decision.reason}`);
    }

    request.contextValues.set(callerKey, caller);
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

function redact(text: string, token: string): string {
  return text.split(token).join('[token]');
}
