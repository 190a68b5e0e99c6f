// Everything a daemon's server needs from auth, built once: the gate (before the body), the interceptor (the
// outcome) and the auditor of transport refusals (limits), all writing to the one audit stream.
import type { Interceptor } from '@connectrpc/connect';
import { auditMessage, type AuditLogger } from './audit.js';
import { createAuthGate, type GateAdmission, type GatedCall } from './auth-gate.js';
import { createAuthInterceptor } from './auth-interceptor.js';
import type { PeerIdentityRule } from './authenticate.js';
import type { Clock } from './clock.js';
import type { TokenValidator } from './identity.js';
import { mcpPolicy, type AuthorizationPolicy } from './policy.js';

/** A refusal by the transport (structurally @mcp/rpc's TransportRefusal). */
export interface RefusedByTransport {
  readonly peer: string;
  readonly limit: string;
  readonly reason: string;
  readonly path?: string;
}

export interface CallSecurity {
  readonly gate: (call: GatedCall) => Promise<GateAdmission>;
  /** Outermost interceptor: audits the outcome of admitted calls. */
  readonly interceptor: Interceptor;
  readonly onRefusal: (refusal: RefusedByTransport) => void;
}

export function createCallSecurity(options: {
  readonly validator: TokenValidator;
  readonly audit: AuditLogger;
  readonly clock: Clock;
  readonly peerIdentity: PeerIdentityRule;
  readonly policy?: AuthorizationPolicy;
}): CallSecurity {
  const shared = { validator: options.validator, policy: options.policy ?? mcpPolicy, log: options.audit, clock: options.clock, peerIdentity: options.peerIdentity };
  return {
    gate: createAuthGate(shared),
    interceptor: createAuthInterceptor(shared),
    onRefusal: (refusal) =>
      options.audit.info(
        { audit: true, decision: 'refused', outcome: 'transport', ...refusal, at: new Date(options.clock.now()).toISOString() },
        auditMessage,
      ),
  };
}
