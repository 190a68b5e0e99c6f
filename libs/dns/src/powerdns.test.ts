// PowerDNS specifics beyond the conformance suite: what dig sees, and PowerDNS's own refusals surfacing as typed errors.
import { requireRuntime } from '@mcp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from './errors.js';
import { createPowerDnsDriver } from './powerdns.js';
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
