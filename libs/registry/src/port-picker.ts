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
