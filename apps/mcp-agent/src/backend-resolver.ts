// Resolves a backend's internal name with a real DNS query, through the configured server (`[edge] dns_server`) or
// the system's resolvers: what an edge node re-encrypts to is what the internal zone says now.
import { Resolver } from 'node:dns/promises';

/** A name's A and AAAA addresses, sorted; [] when the name does not exist or has none. Throws when no server answers. */
export type BackendResolver = (hostname: string) => Promise<string[]>;

/** Codes that mean "the name has no address", as opposed to "no server answered". */
const noAddress = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'NODATA']);

async function addressesOf(lookup: () => Promise<string[]>): Promise<string[]> {
  try {
    return await lookup();
  } catch (error) {
    if (noAddress.has((error as NodeJS.ErrnoException).code ?? '')) return [];
    throw error;
  }
}

/** `server` is "host:port" (or "[v6]:port"); undefined: the system's resolvers (/etc/resolv.conf). */
export function createBackendResolver(options: { server?: string; timeoutMs: number }): BackendResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 2 });
  if (options.server !== undefined) resolver.setServers([options.server]);
  return async (hostname) => {
    const [v4, v6] = await Promise.all([addressesOf(() => resolver.resolve4(hostname)), addressesOf(() => resolver.resolve6(hostname))]);
    return [...v4.sort(), ...v6.sort()];
  };
}
