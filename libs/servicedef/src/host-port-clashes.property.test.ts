import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findHostPortClashes } from './host-port-clashes.js';
import { parsePortMapping, portMappingsClash, type PortMapping } from './port-mapping.js';

/** The definition of a clash, pair by pair: what the one-pass search must agree with. */
function pairwiseClashes(components: readonly { ports: readonly string[] }[]) {
  const seen: { mapping: PortMapping; where: string }[] = [];
  const found: { componentIndex: number; portIndex: number; port: string; publishedBy: string }[] = [];
  components.forEach((component, componentIndex) =>
    component.ports.forEach((port, portIndex) => {
      const mapping = parsePortMapping(port);
      if (mapping === undefined) return;
      const clash = seen.find((other) => portMappingsClash(other.mapping, mapping));
      if (clash) found.push({ componentIndex, portIndex, port, publishedBy: clash.where });
      seen.push({ mapping, where: `components[${componentIndex}].ports[${portIndex}]` });
    }),
  );
  return found;
}

// Few ports and addresses, so that clashes are common.
const portEntry = fc
  .tuple(fc.constantFrom('', '127.0.0.1:', '10.0.0.1:', '0.0.0.0:', '[::]:', '[::1]:'), fc.integer({ min: 50, max: 54 }), fc.constantFrom('', '/tcp', '/udp'))
  .map(([address, port, protocol]) => `${address}${port}:80${protocol}`);

describe('findHostPortClashes', () => {
  it('finds exactly the clashes, and the same earliest clash, that comparing every pair finds', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ports: fc.array(portEntry, { maxLength: 12 }) }), { maxLength: 4 }), (components) => {
        expect(findHostPortClashes(components)).toEqual(pairwiseClashes(components));
      }),
      { numRuns: 500 },
    );
  });
});
