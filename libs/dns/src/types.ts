// The DNS domain: records of one zone and the driver interface every DNS backend (PowerDNS, MCNS) implements.

/** The DNS backends MCP drives; a driver is chosen by this name in config. */
export const DNS_DRIVER_KINDS = ['powerdns', 'mcns'] as const;
export type DnsDriverKind = (typeof DNS_DRIVER_KINDS)[number];

/** The record types MCP writes: a service's name points at its node's IPv4 or IPv6 address. */
export type AddressRecordType = 'A' | 'AAAA';

/** One record of a zone, as the DNS server reports it. */
export interface DnsRecord {
  /** The server's id for the record (MCNS: its row id; PowerDNS has none: `<fqdn>/<type>/<value>`). */
  readonly id: string;
  /** Relative to the zone (`hello`); `@` is the zone's apex. Lower-case. */
  readonly name: string;
  /** `A`, `AAAA`, `CNAME`, `SOA`, … */
  readonly type: string;
  readonly value: string;
  readonly ttlSeconds: number;
}

/**
 * One zone on one DNS server. Writes are idempotent, so a caller that is unsure whether one happened (a
 * timeout) simply repeats it; a failure is a thrown DnsError, never a silent partial change of one name.
 */
export interface DnsDriver {
  readonly kind: DnsDriverKind;
  /** The zone, lower-case, without the trailing dot (`svc.mcp.test`). */
  readonly zone: string;
  /** Every record of the zone, sorted by name, then type, then value. */
  listRecords(): Promise<DnsRecord[]>;
  /**
   * Makes `name` carry exactly `values` as records of `type`, with `ttlSeconds`: records of that name and type
   * with other values go, missing ones are added. Records of other names or types are left alone.
   */
  setRecords(name: string, type: AddressRecordType, values: readonly string[], ttlSeconds: number): Promise<void>;
  /** Removes every record of `name` and `type`; none there is not an error. */
  deleteRecords(name: string, type: AddressRecordType): Promise<void>;
}

/** Where a driver reaches its server; the secret (PowerDNS API key, MCNS token) never appears in messages. */
export interface DnsServerSettings {
  readonly kind: DnsDriverKind;
  readonly zone: string;
  /** Base URL: PowerDNS `http://127.0.0.1:8081`, MCNS `https://mcns.example.net:8443`. */
  readonly apiUrl: string;
  /** PowerDNS API key, or MCNS bearer token. */
  readonly secret: string;
  /** PEM of the CA that signed an https server's certificate; default: Node's trusted roots. */
  readonly caPem?: string;
  /** Deadline of one HTTP call, in ms. Default 10000. */
  readonly timeoutMs?: number;
  /** PowerDNS server id in its API path. Default `localhost`. */
  readonly serverId?: string;
}
