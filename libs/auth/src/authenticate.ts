// One decision for one call, from its headers and peer only: who is calling (bearer token, and for system
// accounts the client certificate too), and whether the policy lets them call this RPC.
import { Code } from '@connectrpc/connect';
import { bearerTokenOf } from './bearer.js';
import { classifyCaller } from './caller-class.js';
import type { Identity, TokenValidator } from './identity.js';
import type { AuthorizationPolicy } from './policy.js';

/** The other end of the connection as the transport saw it (structurally @mcp/rpc's Peer). */
export interface CallPeer {
  readonly address: string;
  /** Subject CN of a client certificate the server's CA verified; undefined without one. */
  readonly certificateName: string | undefined;
}

/**
 * - `bearer`: the token alone decides (servers without client certificates).
 * - `system-certificate`: a system account (mcp-master, agent-<node>, others) is accepted only from a peer whose
 *   verified client certificate names that same account, so a captured token is useless without the key.
 *   Humans keep bearer tokens.
 */
export type PeerIdentityRule = 'bearer' | 'system-certificate';

export interface AuthenticateOptions {
  readonly validator: TokenValidator;
  readonly policy: AuthorizationPolicy;
  readonly peerIdentity?: PeerIdentityRule;
}

export interface CallToAuthenticate {
  readonly service: string;
  readonly method: string;
  readonly authorization: string | null;
  readonly peer: CallPeer | undefined;
}

export type Authentication =
  | { readonly ok: true; readonly identity: Identity }
  | {
      readonly ok: false;
      readonly code: Code;
      /** For the audit trail. */
      readonly reason: string;
      /** For the caller. */
      readonly message: string;
      /** Known when the token was valid but the call is still refused. */
      readonly identity?: Identity;
    };

export async function authenticate(call: CallToAuthenticate, options: AuthenticateOptions): Promise<Authentication> {
  const refuse = (code: Code, reason: string, message = reason, identity?: Identity): Authentication => ({
    ok: false,
    code,
    reason,
    message,
    ...(identity === undefined ? {} : { identity }),
  });
  const bearer = bearerTokenOf(call.authorization);
  if (!bearer.ok) return refuse(Code.Unauthenticated, bearer.reason);
  let identity: Identity | undefined;
  try {
    identity = await options.validator.validate(bearer.token);
  } catch (error) {
    const reason = `token validation failed: ${redact(String((error as Error).message ?? error), bearer.token)}`;
    return refuse(Code.Unavailable, reason, 'cannot validate tokens at the moment; try again later');
  }
  if (identity === undefined) return refuse(Code.Unauthenticated, 'token not recognised');
  if ((options.peerIdentity ?? 'bearer') === 'system-certificate' && identity.account === 'system' && classifyCaller(identity) !== 'guest') {
    const presented = call.peer?.certificateName;
    if (presented !== identity.name) {
      const reason = presented === undefined
        ? `${identity.name}'s token came without ${identity.name}'s client certificate`
        : `${identity.name}'s token came with the client certificate of ${presented}`;
      return refuse(Code.Unauthenticated, reason, `${identity.name} must call with its own client certificate (mutual TLS); a token alone is not enough`, identity);
    }
  }
  const decision = options.policy({ service: call.service, method: call.method, identity });
  if (!decision.allowed) {
    return refuse(Code.PermissionDenied, decision.reason, `${identity.name} may not call ${call.method}: ${decision.reason}`, identity);
  }
  return { ok: true, identity };
}

function redact(text: string, token: string): string {
  return text.split(token).join('[token]');
}
