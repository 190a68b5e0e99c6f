// Public surface of @mcp/dns: the DNS driver interface, its PowerDNS and MCNS drivers, and a PowerDNS server on loopback.
export { addressRecordFor, hostOfAddress } from './address-record.js';
export type { AddressRecord } from './address-record.js';
export { createDnsDriver } from './drivers.js';
export { DnsError } from './errors.js';
export type { DnsErrorKind, DnsErrorOptions } from './errors.js';
export { createMcnsDriver } from './mcns.js';
export { absoluteName, isValidZone, normalizeZone, relativeName } from './names.js';
export { createPowerDnsDriver } from './powerdns.js';
export {
  POWERDNS_SCHEMA_PATH,
  ensurePowerDnsZone,
  setPowerDnsWildcard,
  powerDnsArgs,
  startPowerDnsProcess,
  waitForPowerDns,
  writePowerDnsHome,
} from './powerdns-server.js';
export type { PowerDnsHome, PowerDnsHomeOptions, PowerDnsProcess, StartPowerDnsOptions } from './powerdns-server.js';
export { DNS_DRIVER_KINDS } from './types.js';
export type { AddressRecordType, DnsDriver, DnsDriverKind, DnsRecord, DnsServerSettings } from './types.js';
export { checkDnsConfig, dnsConfigFields, loadDnsSettings } from './dns-config.js';
export type { DnsConfig, DnsConfigSection } from './dns-config.js';
