// Pure host-port choice: the lowest port of the range that is neither taken nor busy on the host.
import type { PortProbe, PortRange } from './types.js';

export const defaultPortRange: PortRange = Object.freeze({ first: 10000, last: 60000 });

/**
 * Returns a function handing out ports from `range` in increasing order, skipping every port
 * in `taken` (which it extends) and every port `isPortFree` reports busy; `undefined` when
 * the range is used up. One picker serves one transaction: `taken` only grows meanwhile.
 */
export function createPortPicker(
  range: PortRange,
  taken: Set<number>,
  isPortFree: PortProbe,
): () => number | undefined {
  let next = range.first;
  return () => {
    for (; next <= range.last; next += 1) {
      if (taken.has(next) || !isPortFree(next)) continue;
      taken.add(next);
      return next;
    }
    return undefined;
  };
}

/**
 * Host ports a podman publish spec `[ip:]host:container[/proto]` binds, so allocation steers
 * clear of them. `host` may be a range `a-b`; an empty host (podman picks) binds none we know.
 */
export function publishedHostPorts(publish: string): number[] {
  let rest = publish.split('/')[0] ?? '';
  if (rest.startsWith('[')) {
    // "[::1]:8080:80": drop the bracketed IPv6 address.
    const close = rest.indexOf(']');
    rest = close < 0 ? '' : rest.slice(close + 2);
    return parsePortOrRange(rest.split(':')[0] ?? '');
  }
  const parts = rest.split(':');
  if (parts.length === 2) return parsePortOrRange(parts[0] ?? '');
  if (parts.length === 3) return parsePortOrRange(parts[1] ?? '');
  return [];
}

function parsePortOrRange(text: string): number[] {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (match === null) return [];
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (low < 1 || high > 65535 || high < low) return [];
  const ports: number[] = [];
  for (let port = low; port <= high; port += 1) ports.push(port);
  return ports;
}
