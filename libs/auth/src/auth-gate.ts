// The auth gate: authentication and authorization at the HTTP/2 stream, from the call's headers and peer, before
// Connect reads a byte of its body. Refusals are audited here with the peer address; admitted calls carry the
// caller (and peer) into Connect, where the auth interceptor audits their outcome.
import { Code, createContextValues, type ContextValues } from '@connectrpc/connect';
import type { AuditLogger } from './audit.js';
import { auditWriter } from './audit.js';
import { authenticate, type CallPeer, type PeerIdentityRule } from './authenticate.js';
import { callerKey, peerKey } from './caller-context.js';
import type { Clock } from './clock.js';
import type { TokenValidator } from './identity.js';
import type { AuthorizationPolicy } from './policy.js';

export interface AuthGateOptions {
  readonly validator: TokenValidator;
  readonly policy: AuthorizationPolicy;
  readonly log: AuditLogger;
  readonly clock: Clock;
  readonly peerIdentity?: PeerIdentityRule;
}

export interface GatedCall {
  readonly path: string;
  readonly header: Headers;
  readonly peer: CallPeer;
}

export type GateAdmission =
  | { readonly admit: true; readonly contextValues: ContextValues }
  | { readonly admit: false; readonly code: Code; readonly message: string };

const pathPattern = /^\/([A-Za-z_][\w.]{0,199})\/([A-Za-z_]\w{0,99})$/;

export function createAuthGate(options: AuthGateOptions): (call: GatedCall) => Promise<GateAdmission> {
  const write = auditWriter(options.log, options.clock);
  return async ({ path, header, peer }) => {
    const startedMs = options.clock.now();
    const match = pathPattern.exec(path);
    const service = match?.[1] ?? 'invalid';
    const method = match?.[2] ?? 'path';
    if (match === null) {
      write({ service, method, caller: undefined, peer, startedMs, decision: 'refused', code: Code.Unimplemented, reason: 'not a gRPC method path' });
      return { admit: false, code: Code.Unimplemented, message: 'not a gRPC method path' };
    }
    const outcome = await authenticate({ service, method, authorization: header.get('authorization'), peer }, options);
    if (!outcome.ok) {
      write({ service, method, caller: outcome.identity, peer, startedMs, decision: 'refused', code: outcome.code, reason: outcome.reason });
      return { admit: false, code: outcome.code, message: outcome.message };
    }
    return { admit: true, contextValues: createContextValues().set(callerKey, outcome.identity).set(peerKey, peer) };
  };
}
