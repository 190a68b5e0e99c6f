// The `[dns]` section of a daemon's config (master: the records' owner; agent: reads them): its keys, their
// checks, and reading the secret and CA files into driver settings. One definition for every daemon.
import { configProblem, integer, optionalString, path, type ConfigProblem } from '@mcp/config';
import { readFile } from 'node:fs/promises';
import { isValidZone, normalizeZone } from './names.js';
import { DNS_DRIVER_KINDS, type DnsDriverKind, type DnsServerSettings } from './types.js';

/** The keys of `[dns]`; a daemon spreads them into its section (and may add its own). */
export function dnsConfigFields() {
  return {
    driver: optionalString({ doc: `DNS server kind: ${DNS_DRIVER_KINDS.map((kind) => `"${kind}"`).join(' or ')}; unset (with the other keys): no DNS` }),
    zone: optionalString({ doc: 'internal zone the service records live in, e.g. "svc.mcp.example.net"' }),
    api_url: optionalString({ doc: 'base URL of the DNS server\'s API: PowerDNS "http://127.0.0.1:8081", MCNS "https://mcns.example.net:8443"' }),
    secret_file: path({ doc: 'file holding the PowerDNS API key or the MCNS bearer token (never logged)', optional: true }),
    ca_cert: path({ doc: 'CA (PEM) an https api_url must chain to; unset: the system roots', optional: true }),
    timeout_ms: integer({ doc: 'deadline of one call to the DNS API, in ms', default: 10_000, min: 100, max: 600_000 }),
  };
}

export interface DnsConfigSection {
  readonly driver: string | undefined;
  readonly zone: string | undefined;
  readonly api_url: string | undefined;
  readonly secret_file: string | undefined;
  readonly ca_cert: string | undefined;
  readonly timeout_ms: number;
}

/** A checked `[dns]` section; the secret stays in its file until loadDnsSettings. */
export interface DnsConfig {
  readonly kind: DnsDriverKind;
  readonly zone: string;
  readonly apiUrl: string;
  readonly secretPath: string;
  readonly caPath: string | undefined;
  readonly timeoutMs: number;
}

/**
 * undefined when none of driver, zone, api_url, secret_file is set (DNS not configured); a problem per key
 * when some are set and others missing or wrong.
 */
export function checkDnsConfig(section: DnsConfigSection, file: string, problems: ConfigProblem[], key = 'dns'): DnsConfig | undefined {
  const required = { driver: section.driver, zone: section.zone, api_url: section.api_url, secret_file: section.secret_file };
  const given = Object.entries(required).filter(([, value]) => value !== undefined);
  if (given.length === 0) return undefined;
  const before = problems.length;
  for (const [name, value] of Object.entries(required)) {
    if (value === undefined) {
      problems.push(configProblem(file, `${key}.${name}`, `missing while ${given.map(([set]) => `${key}.${set}`).join(', ')} ${given.length === 1 ? 'is' : 'are'} set`, 'all of driver, zone, api_url and secret_file, or none of them (no DNS)'));
    }
  }
  if (section.driver !== undefined && !(DNS_DRIVER_KINDS as readonly string[]).includes(section.driver)) {
    problems.push(configProblem(file, `${key}.driver`, `got the string ${JSON.stringify(section.driver)}`, DNS_DRIVER_KINDS.map((kind) => `"${kind}"`).join(' or ')));
  }
  if (section.zone !== undefined && !isValidZone(section.zone)) {
    problems.push(configProblem(file, `${key}.zone`, `got the string ${JSON.stringify(section.zone)}`, 'a domain name such as "svc.mcp.example.net"'));
  }
  if (section.api_url !== undefined && !/^https?:\/\/[^/\s]+/.test(section.api_url)) {
    problems.push(configProblem(file, `${key}.api_url`, `got the string ${JSON.stringify(section.api_url)}`, 'an http:// or https:// URL'));
  }
  if (problems.length > before || section.driver === undefined || section.zone === undefined || section.api_url === undefined || section.secret_file === undefined) {
    return undefined;
  }
  return Object.freeze({
    kind: section.driver as DnsDriverKind,
    zone: normalizeZone(section.zone),
    apiUrl: section.api_url.replace(/\/+$/, ''),
    secretPath: section.secret_file,
    caPath: section.ca_cert,
    timeoutMs: section.timeout_ms,
  });
}

/** Reads the secret (trimmed; empty is refused) and the CA; errors name the file, never its content. */
export async function loadDnsSettings(config: DnsConfig): Promise<DnsServerSettings> {
  const read = async (file: string, what: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the DNS ${what} ${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  const secret = (await read(config.secretPath, 'secret file (dns.secret_file)')).trim();
  if (secret === '') throw new Error(`the DNS secret file ${config.secretPath} (dns.secret_file) is empty; expected the API key or token`);
  const caPem = config.caPath === undefined ? undefined : await read(config.caPath, 'CA (dns.ca_cert)');
  return {
    kind: config.kind,
    zone: config.zone,
    apiUrl: config.apiUrl,
    secret,
    timeoutMs: config.timeoutMs,
    ...(caPem === undefined ? {} : { caPem }),
  };
}
