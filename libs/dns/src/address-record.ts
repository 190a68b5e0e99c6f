// The record a service name gets from its node's address: A for IPv4, AAAA for IPv6.
import { isIP } from 'node:net';
import type { AddressRecordType } from './types.js';

export interface AddressRecord {
  readonly type: AddressRecordType;
  readonly value: string;
}

/** `127.0.1.2` → A, `fd00::2` or `[fd00::2]` → AAAA; a host name → undefined (a name cannot go in an A record). */
export function addressRecordFor(host: string): AddressRecord | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const version = isIP(bare);
  if (version === 4) return { type: 'A', value: bare };
  if (version === 6) return { type: 'AAAA', value: bare.toLowerCase() };
  return undefined;
}

/** The host part of an agent's `host:port` (`[v6]:port` too). */
export function hostOfAddress(address: string): string {
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    return end < 0 ? address : address.slice(1, end);
  }
  const colon = address.lastIndexOf(':');
  return colon < 0 ? address : address.slice(0, colon);
}
