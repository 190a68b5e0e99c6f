// Both DNS drivers pass the same conformance suite: PowerDNS against a real pdns_server, MCNS against the stand-in.
import { requireRuntime } from '@mcp/testing';
import { dnsDriverConformanceSuite, probePowerDns, startMcnsStandIn, startTestPowerDns, type McnsStandIn, type TestPowerDns } from './testing/index.js';

const zone = 'svc.mcp.test';
const powerDnsSkip = await requireRuntime('powerdns', probePowerDns);

let powerDns: TestPowerDns | undefined;
dnsDriverConformanceSuite(
  'PowerDNS driver (real pdns_server)',
  {
    start: async () => {
      powerDns = await startTestPowerDns({ zones: [zone] });
    },
    stop: async () => powerDns?.stop(),
    settings: () => {
      if (powerDns === undefined) throw new Error('PowerDNS not started');
      return { kind: 'powerdns', zone, apiUrl: powerDns.apiUrl, secret: powerDns.apiKey };
    },
  },
  { skipReason: powerDnsSkip },
);

let mcns: McnsStandIn | undefined;
dnsDriverConformanceSuite('MCNS driver (the REST contract, against a stand-in over TLS)', {
  start: async () => {
    mcns = await startMcnsStandIn({ zones: [zone] });
  },
  stop: async () => mcns?.stop(),
  settings: () => {
    if (mcns === undefined) throw new Error('MCNS stand-in not started');
    return { kind: 'mcns', zone, apiUrl: mcns.url, secret: mcns.token, caPem: mcns.caPem };
  },
});
