// Parses a daemon's listen address and refuses wildcard addresses unless they are allowed explicitly.
import { isIP } from 'node:net';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export type ListenAddressCheck = { ok: true; address: ListenAddress } | { ok: false; problem: string };

const wildcards = new Set(['', '0.0.0.0', '::', '[::]', '*']);

/** `host:port` or `[v6]:port`; port 0 asks the OS for a free one (tests). */
export function parseListenAddress(text: string, options: { allowWildcard: boolean }): ListenAddressCheck {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    return { ok: false, problem: `"${text}" is not host:port (for IPv6, [address]:port) with a port from 0 to 65535` };
  }
  const host = match[1] ?? match[2] ?? '';
  if (wildcards.has(host)) {
    if (!options.allowWildcard) {
      return {
        ok: false,
        problem: `"${text}" listens on every interface; give the node's overlay address, or set allow_wildcard = true to mean it`,
      };
    }
    return { ok: true, address: { host: host === '' || host === '*' ? '0.0.0.0' : host.replace(/^\[|\]$/g, ''), port } };
  }
  if (match[1] !== undefined && isIP(host) !== 6) {
    return { ok: false, problem: `"${host}" in brackets is not an IPv6 address` };
  }
  return { ok: true, address: { host, port } };
}
