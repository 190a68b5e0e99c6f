// PowerDNS specifics beyond the conformance suite: what dig sees, and PowerDNS's own refusals surfacing as typed errors.
import { requireRuntime } from '@mcp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from './errors.js';
import { createPowerDnsDriver } from './powerdns.js';
import { setPowerDnsWildcard } from './powerdns-server.js';
import { digShort, probePowerDns, putRrsetDirectly, startTestPowerDns, type TestPowerDns } from './testing/index.js';

const skip = await requireRuntime('powerdns', probePowerDns);

describe.skipIf(skip !== undefined)(`PowerDNS driver against pdns_server${skip ? ` (${skip})` : ''}`, () => {
  let server: TestPowerDns;
  beforeAll(async () => {
    server = await startTestPowerDns({ zones: ['svc.mcp.test'] });
  }, 60_000);
  afterAll(() => server.stop());
  const driver = () => createPowerDnsDriver({ zone: 'svc.mcp.test', apiUrl: server.apiUrl, secret: server.apiKey });
  const dig = (name: string) => digShort({ server: server.address, port: server.dnsPort, name, type: 'A' });

  it('answers DNS queries with what was set, at once, and nothing after a delete', async () => {
    await driver().setRecords('hello', 'A', ['127.0.1.2'], 60);
    expect(await dig('hello.svc.mcp.test')).toEqual(['127.0.1.2']);
    await driver().deleteRecords('hello', 'A');
    expect(await dig('hello.svc.mcp.test')).toEqual([]);
  });

  it('answers a wildcard for names without records of their own, and the own records for the others', async () => {
    await setPowerDnsWildcard({ apiUrl: server.apiUrl, apiKey: server.apiKey, zone: 'svc.mcp.test', address: '127.0.1.9' });
    await driver().setRecords('own', 'A', ['127.0.1.3'], 60);
    expect(await dig('anything.svc.mcp.test')).toEqual(['127.0.1.9']);
    expect(await dig('own.svc.mcp.test')).toEqual(['127.0.1.3']);
    await driver().deleteRecords('own', 'A');
    const removed = await fetch(`${server.apiUrl}/api/v1/servers/localhost/zones/svc.mcp.test.`, {
      method: 'PATCH',
      headers: { 'x-api-key': server.apiKey },
      body: JSON.stringify({ rrsets: [{ name: '*.svc.mcp.test.', type: 'A', changetype: 'DELETE' }] }),
    });
    expect(removed.status).toBe(204);
    expect(await dig('anything.svc.mcp.test')).toEqual([]);
  });

  it("surfaces PowerDNS's 422 refusal with its own reason", async () => {
    await putRrsetDirectly(server, 'svc.mcp.test', { name: 'taken.svc.mcp.test', type: 'CNAME', content: 'elsewhere.example.' });
    const error = await driver().setRecords('taken', 'A', ['127.0.1.2'], 60).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({ kind: 'refused', status: 422 });
    expect((error as DnsError).message).toMatch(/Conflicts with pre-existing RRset/);
  });

  it('reports the SOA of the zone apex as @', async () => {
    const soa = (await driver().listRecords()).find((record) => record.type === 'SOA');
    expect(soa?.name).toBe('@');
  });
});
