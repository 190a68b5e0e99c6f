// The dev fleet's DNS server: PowerDNS for the internal zone svc.mcp.test on the fleet's loopback address, its home
// under D/dns, and the [dns] section that points the master (the records' writer) and the agents (readers) at it.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The internal zone of every dev fleet (SPEC §5). */
export const DEV_FLEET_ZONE = 'svc.mcp.test';

/** Where a dev fleet's public hostnames live (the master allows them; `*.example.test` is the edge node). */
export const DEV_FLEET_PUBLIC_ZONE = 'example.test';

/** Where a daemon's [dns] points. */
export interface DnsLink {
  readonly zone: string;
  readonly apiUrl: string;
  /** File holding the PowerDNS API key. */
  readonly secretPath: string;
}

/** The fleet's PowerDNS process. */
export interface DevFleetDnsServer {
  readonly program: 'pdns_server';
  /** Name used in messages and tables. */
  readonly node: 'dns';
  readonly zone: string;
  /** Where it answers queries: `dig @<address> -p <dnsPort>`. */
  readonly address: string;
  readonly dnsPort: number;
  readonly apiPort: number;
  readonly apiUrl: string;
  /** Its config dir (`--config-dir=<this>`): its command line names it, which tells its process apart. */
  readonly configPath: string;
  readonly logPath: string;
  readonly pidPath: string;
  readonly apiKeyPath: string;
  readonly workDir: string;
  /**
   * The dev fleet's stand-in for the operator's public DNS: `*.<publicZone>` → the edge node's address, so public
   * names resolve (for Pebble's validator and for curl) to where the edge proxy listens. Absent: no edge node.
   */
  readonly publicZone?: { readonly zone: string; readonly address: string };
  /**
   * `*.<zone>` → this address (the worker): a name the master has not written yet still resolves for Pebble's
   * validator (a service's first certificate is ordered by its agent's Deploy, before the master writes its record).
   * Records the master writes take precedence: a DNS wildcard only answers for names without records of their own.
   */
  readonly internalFallback?: string;
}

export interface DnsServerAddresses {
  /** The edge node's address: `*.example.test` points there. */
  readonly edge?: string;
  /** The worker's address: names of the internal zone without a record point there. */
  readonly worker?: string;
}

/** Where the DNS server of a fleet in `root` is (pure). */
export function dnsServerOf(root: string, host: string, ports: { readonly dnsPort: number; readonly apiPort: number }, addresses: DnsServerAddresses = {}): DevFleetDnsServer {
  const dir = join(root, 'dns');
  return {
    program: 'pdns_server',
    node: 'dns',
    zone: DEV_FLEET_ZONE,
    address: host,
    dnsPort: ports.dnsPort,
    apiPort: ports.apiPort,
    apiUrl: `http://${host}:${ports.apiPort}`,
    configPath: dir,
    logPath: join(dir, 'pdns.log'),
    pidPath: join(dir, 'pdns.pid'),
    apiKeyPath: join(dir, 'api.key'),
    workDir: dir,
    ...(addresses.edge === undefined ? {} : { publicZone: { zone: DEV_FLEET_PUBLIC_ZONE, address: addresses.edge } }),
    ...(addresses.worker === undefined ? {} : { internalFallback: addresses.worker }),
  };
}

export function dnsLinkOf(server: DevFleetDnsServer): DnsLink {
  return { zone: server.zone, apiUrl: server.apiUrl, secretPath: server.apiKeyPath };
}

/**
 * Writes a fresh API key to api.key (0600). pdns.conf and the database are written by `mcp dev up` before it starts
 * the server (writePowerDnsHome from @mcp/dns), so laying a fleet out stays quick.
 */
export async function writeDnsServerKey(server: DevFleetDnsServer): Promise<void> {
  await mkdir(server.workDir, { recursive: true });
  await writeFile(server.apiKeyPath, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
}

/** The `[dns]` section of a daemon's config pointing at `link` (PowerDNS); `extra` are more `key = value` lines. */
export function dnsSectionLines(link: DnsLink | undefined, extra: readonly string[] = []): string[] {
  if (link === undefined) return [];
  return ['[dns]', 'driver = "powerdns"', `zone = ${JSON.stringify(link.zone)}`, `api_url = ${JSON.stringify(link.apiUrl)}`, `secret_file = ${JSON.stringify(link.secretPath)}`, ...extra, ''];
}
