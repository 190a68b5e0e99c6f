// The dev fleet's DNS server: PowerDNS for the internal zone svc.mcp.test on the fleet's loopback address, its home
// under D/dns, and the [dns] section that points the master (the records' writer) and the agents (readers) at it.
import { writePowerDnsHome, type PowerDnsHome } from '@mcp/dns';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The internal zone of every dev fleet (SPEC §5). */
export const DEV_FLEET_ZONE = 'svc.mcp.test';

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
  readonly apiUrl: string;
  /** Its config dir (`--config-dir=<this>`): its command line names it, which tells its process apart. */
  readonly configPath: string;
  readonly logPath: string;
  readonly pidPath: string;
  readonly apiKeyPath: string;
  readonly workDir: string;
}

/** Where the DNS server of a fleet in `root` is (pure). */
export function dnsServerOf(root: string, host: string, ports: { readonly dnsPort: number; readonly apiPort: number }): DevFleetDnsServer {
  const dir = join(root, 'dns');
  return {
    program: 'pdns_server',
    node: 'dns',
    zone: DEV_FLEET_ZONE,
    address: host,
    dnsPort: ports.dnsPort,
    apiUrl: `http://${host}:${ports.apiPort}`,
    configPath: dir,
    logPath: join(dir, 'pdns.log'),
    pidPath: join(dir, 'pdns.pid'),
    apiKeyPath: join(dir, 'api.key'),
    workDir: dir,
  };
}

export function dnsLinkOf(server: DevFleetDnsServer): DnsLink {
  return { zone: server.zone, apiUrl: server.apiUrl, secretPath: server.apiKeyPath };
}

/** Writes the server's home (pdns.conf, database, a fresh API key in api.key, 0600). */
export async function writeDnsServerHome(server: DevFleetDnsServer, ports: { readonly apiPort: number }): Promise<PowerDnsHome> {
  const apiKey = randomBytes(24).toString('hex');
  const home = await writePowerDnsHome({ dir: server.workDir, address: server.address, dnsPort: server.dnsPort, apiPort: ports.apiPort, apiKey });
  await writeFile(server.apiKeyPath, `${apiKey}\n`, { mode: 0o600 });
  return home;
}

/** The `[dns]` section of a daemon's config pointing at `link` (PowerDNS); `extra` are more `key = value` lines. */
export function dnsSectionLines(link: DnsLink | undefined, extra: readonly string[] = []): string[] {
  if (link === undefined) return [];
  return ['[dns]', 'driver = "powerdns"', `zone = ${JSON.stringify(link.zone)}`, `api_url = ${JSON.stringify(link.apiUrl)}`, `secret_file = ${JSON.stringify(link.secretPath)}`, ...extra, ''];
}
