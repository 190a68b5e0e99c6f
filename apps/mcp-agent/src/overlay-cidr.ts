// The overlay network as an address block (`[edge] overlay_cidr`): an edge node only re-encrypts to backends inside it.
import { BlockList, isIP } from 'node:net';

/** A parsed CIDR block, IPv4 or IPv6. */
export interface OverlayCidr {
  /** As written in the config, e.g. "100.64.0.0/10". */
  readonly text: string;
  contains(address: string): boolean;
}

export const DEFAULT_OVERLAY_CIDR = '100.64.0.0/10';

/** The block, or the problem with the text (for the config error). */
export function parseOverlayCidr(text: string): { ok: true; cidr: OverlayCidr } | { ok: false; problem: string } {
  const slash = text.indexOf('/');
  const network = slash < 0 ? '' : text.slice(0, slash);
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  const family = isIP(network);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  const maxPrefix = family === 6 ? 128 : 32;
  if (family === 0 || !Number.isInteger(prefix) || prefix > maxPrefix) {
    return { ok: false, problem: `${JSON.stringify(text)} is not an address block` };
  }
  const block = new BlockList();
  block.addSubnet(network, prefix, family === 6 ? 'ipv6' : 'ipv4');
  return {
    ok: true,
    cidr: {
      text,
      contains: (address) => {
        const kind = isIP(address);
        return kind !== 0 && block.check(address, kind === 6 ? 'ipv6' : 'ipv4');
      },
    },
  };
}
