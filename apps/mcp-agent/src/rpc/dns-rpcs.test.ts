// ListDNSRecords reads the zone through the agent's [dns] (a real PowerDNS here) and says so when there is none.
import { createPowerDnsDriver } from '@mcp/dns';
import { probePowerDns, startTestPowerDns, type TestPowerDns } from '@mcp/dns/testing';
import { requireRuntime } from '@mcp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../errors.js';
import { listDnsRecords } from './dns-rpcs.js';

const skip = await requireRuntime('powerdns', probePowerDns);

describe('ListDNSRecords', () => {
  it('answers configured=false with no zone when the agent has no [dns]', async () => {
    expect(await listDnsRecords({})).toMatchObject({ zone: '', configured: false, records: [] });
  });

  describe.skipIf(skip !== undefined)(`against PowerDNS${skip ? ` (${skip})` : ''}`, () => {
    let server: TestPowerDns;
    beforeAll(async () => {
      server = await startTestPowerDns({ zones: ['svc.mcp.test'] });
    }, 60_000);
    afterAll(() => server.stop());

    it('lists the zone as the DNS server reports it', async () => {
      const dns = createPowerDnsDriver({ zone: 'svc.mcp.test', apiUrl: server.apiUrl, secret: server.apiKey });
      await dns.setRecords('hello', 'A', ['127.0.1.2'], 60);
      const answer = await listDnsRecords({ dns });
      expect(answer).toMatchObject({ zone: 'svc.mcp.test', configured: true });
      expect(answer.records.map(({ name, type, value, ttl }) => ({ name, type, value, ttl }))).toContainEqual({ name: 'hello', type: 'A', value: '127.0.1.2', ttl: 60 });
    });

    it('answers Unavailable naming the zone when the server refuses', async () => {
      const dns = createPowerDnsDriver({ zone: 'svc.mcp.test', apiUrl: server.apiUrl, secret: 'wrong' });
      const error = await listDnsRecords({ dns }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toMatch(/^cannot list zone svc\.mcp\.test: powerdns: list zone svc\.mcp\.test: Unauthorized \(HTTP 401\)$/);
    });
  });
});
