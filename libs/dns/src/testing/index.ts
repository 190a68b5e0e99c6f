// Test builders of @mcp/dns: a real PowerDNS for tests, dig, the MCNS stand-in and the driver conformance suite.
export { dnsDriverConformanceSuite } from './conformance.js';
export type { DnsConformanceHarness, DnsConformanceOptions } from './conformance.js';
export { startMcnsStandIn } from './mcns-stand-in.js';
export type { McnsStandIn, McnsStandInRecord } from './mcns-stand-in.js';
export { digShort, probePowerDns, putRrsetDirectly, startTestPowerDns } from './test-powerdns.js';
export type { TestPowerDns, TestPowerDnsOptions } from './test-powerdns.js';
