// Parses a daemon's listen address and refuses every spelling of "all interfaces" unless it is allowed explicitly:
// the host is parsed as the resolver would read it (inet_aton's numeric forms, IPv6 in any notation), never
// string-matched.
import { isIP } from 'node:net';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export type ListenAddressCheck = { ok: true; address: ListenAddress } | { ok: false; problem: string };

/**
 * IPv4 as inet_aton reads it: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x), the last filling the
 * remaining bytes, an optional trailing dot (`0`, `0.0`, `0x0`, `000.0.0.0`, `0.0.0.0.`, `127.1`). Undefined when
 * the text is no such number (a host name).
 */
export function inetAtonAddress(text: string): string | undefined {
  const trimmed = text.endsWith('.') ? text.slice(0, -1) : text;
  const parts = trimmed.split('.');
  if (parts.length === 0 || parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = Number(part);
    else return undefined;
    values.push(value);
  }
  const last = values.pop() ?? 0;
  if (values.some((value) => value > 255) || last >= 2 ** (8 * (4 - values.length))) return undefined;
  const bytes = [...values];
  for (let index = 3 - values.length; index >= 0; index -= 1) bytes.push(Math.floor(last / 256 ** index) % 256);
  return bytes.join('.');
}

/** The 16 bytes of an IPv6 address (with a dotted IPv4 tail allowed); undefined when it is none. */
function ipv6Bytes(text: string): number[] | undefined {
  const address = text.replace(/%.*$/, '');
  if (isIP(address) !== 6) return undefined;
  let head = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted?.[1] !== undefined) {
    tail.push(...dotted[1].split('.').map(Number));
    head = address.slice(0, -dotted[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left = '', right] = head.split('::');
  const groups = (side: string) => (side === '' ? [] : side.split(':').map((group) => parseInt(group, 16)));
  const leftGroups = groups(left);
  const rightGroups = right === undefined ? [] : groups(right);
  const missing = 8 - tail.length / 2 - leftGroups.length - rightGroups.length;
  const all = [...leftGroups, ...new Array<number>(right === undefined ? 0 : missing).fill(0), ...rightGroups];
  return [...all.flatMap((group) => [group >> 8, group & 0xff]), ...tail];
}

/** Whether `host` (without brackets) means every interface: 0.0.0.0 or :: in any spelling, or an empty or `*` host. */
export function isWildcardHost(host: string): boolean {
  if (host === '' || host === '*') return true;
  const v4 = inetAtonAddress(host);
  if (v4 !== undefined) return v4 === '0.0.0.0';
  const v6 = ipv6Bytes(host);
  if (v6 === undefined) return false;
  // :: itself, and ::ffff:0.0.0.0 (IPv4-mapped "any").
  const isMappedAny = v6.slice(0, 10).every((byte) => byte === 0) && v6[10] === 0xff && v6[11] === 0xff && v6.slice(12).every((byte) => byte === 0);
  return v6.every((byte) => byte === 0) || isMappedAny;
}

/** `host:port` or `[v6]:port`; port 0 asks the OS for a free one (tests). */
export function parseListenAddress(text: string, options: { allowWildcard: boolean }): ListenAddressCheck {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    return { ok: false, problem: `"${text}" is not host:port (for IPv6, [address]:port) with a port from 0 to 65535` };
  }
  const bracketed = match[1] !== undefined;
  const host = match[1] ?? match[2] ?? '';
  if (bracketed && isIP(host.replace(/%.*$/, '')) !== 6) {
    return { ok: false, problem: `"${host}" in brackets is not an IPv6 address` };
  }
  if (isWildcardHost(host)) {
    if (!options.allowWildcard) {
      return {
        ok: false,
        problem: `"${text}" listens on every interface; give the node's overlay address, or set allow_wildcard = true to mean it`,
      };
    }
    return { ok: true, address: { host: bracketed ? '::' : '0.0.0.0', port } };
  }
  // A numeric IPv4 spelling other than the dotted quad (127.1, 0x7f.1) is bound as the quad it stands for.
  const numeric = bracketed ? undefined : inetAtonAddress(host);
  return { ok: true, address: { host: numeric ?? host, port } };
}
