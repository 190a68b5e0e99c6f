// Host addresses of published ports, compared in canonical form so that every spelling of an address is one address.

/** `::0`, `0:0::0` and `::` are one address; so are `::FFFF:1.2.3.4` and `::ffff:102:304`. */
export function canonicalAddress(address: string): string {
  if (!address.includes(':')) return address;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}

const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '::ffff:0:0']);

/** No address, or an address that means every interface of the host. */
export function isEveryInterface(address: string | undefined): boolean {
  return address === undefined || address === '' || EVERY_INTERFACE.has(canonicalAddress(address));
}
