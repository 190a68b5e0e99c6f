// The caller's identity as a Connect context value, set by the auth interceptor for handlers to read.
import type { ContextValues } from '@connectrpc/connect';
import { Code, ConnectError, createContextKey } from '@connectrpc/connect';
import type { CallPeer } from './authenticate.js';
import type { Identity } from './identity.js';

export const callerKey = createContextKey<Identity | undefined>(undefined, { description: 'mcp caller identity' });

/**
 * The authenticated caller of the current call, from a handler context (`ctx.values`) or an
 * interceptor request (`req.contextValues`). Throws Internal when absent: that is a server wired
 * without the auth interceptor, and no handler should run as nobody.
 */
export function callerOf(context: { readonly values: ContextValues } | { readonly contextValues: ContextValues }): Identity {
  const values = 'values' in context ? context.values : context.contextValues;
  const identity = values.get(callerKey);
  if (identity === undefined) {
    throw new ConnectError('no caller identity: the auth interceptor is not installed on this server', Code.Internal);
  }
  return identity;
}

/** The connection's peer as the auth gate saw it; undefined when the server has no gate (in-process tests). */
export const peerKey = createContextKey<CallPeer | undefined>(undefined, { description: 'mcp caller peer' });
