import { Code, ConnectError } from '@connectrpc/connect';
// The master as the one writer of service records, against a real PowerDNS (dig reads them back) and scripted agents.
import { createPowerDnsDriver } from '@mcp/dns';
import { digShort, probePowerDns, putRrsetDirectly, startTestPowerDns, type TestPowerDns } from '@mcp/dns/testing';
import { ResultStatus } from '@mcp/proto';
import { requireRuntime, uniqueName } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import type { MasterDeps } from './deps.js';
import { DnsRepair } from './dns-repair.js';
import { FleetError } from './fleet-errors.js';
import { listZoneRecords } from './rpc/dns-rpcs.js';
import type { ServiceDns } from './service-dns.js';
import { specOf, startFleetTestBed, type FleetTestBed } from './testing/scripted-agents.js';
import { undeployService } from './undeploy.js';
import { statuses } from './testing/fleet-assertions.js';

const zone = 'svc.mcp.test';
const skip = await requireRuntime('powerdns', probePowerDns);

const manualTimer = { every: () => ({ cancel: () => undefined }) };

describe.skipIf(skip !== undefined)(`the master keeps service records in PowerDNS${skip ? ` (${skip})` : ''}`, () => {
  let powerDns: TestPowerDns;
  let bed: FleetTestBed;
  let dns: ServiceDns;
  let deps: MasterDeps;
  beforeAll(async () => {
    powerDns = await startTestPowerDns({ zones: [zone] });
  }, 60_000);
  afterAll(() => powerDns.stop());
  beforeEach(async () => {
    bed = await startFleetTestBed();
    dns = { driver: createPowerDnsDriver({ zone, apiUrl: powerDns.apiUrl, secret: powerDns.apiKey }), ttlSeconds: 30 };
    deps = { ...bed.deps, dns };
  });
  afterEach(() => bed.close());

  const dig = (service: string) => digShort({ server: powerDns.address, port: powerDns.dnsPort, name: `${service}.${zone}`, type: 'A' });
  const deploy = (service: string) => deployService(deps, { spec: specOf(service), component: '', noPull: false });

  it("makes <service>.<zone> answer the node's address on deploy, and reports dns ok", async () => {
    await bed.startAgent({ name: 'orion' });
    const service = uniqueName('svc');
    const answer = await deploy(service);
    // First on a node: the record is made before the agent deploys, so the CA can validate the service's name there.
    expect(statuses(answer.steps)).toEqual([['place', 'OK'], ['dns', 'OK'], ['deploy', 'OK'], ['record', 'OK']]);
    expect(answer.dnsResult).toMatchObject({ status: ResultStatus.OK, detail: `${service}.${zone} A 127.0.0.1 (node orion)` });
    expect(await dig(service)).toEqual(['127.0.0.1']);
    // Deployed again on the same node: the record is checked after the agent's deploy.
    const again = await deploy(service);
    expect(statuses(again.steps)).toEqual([['place', 'OK'], ['deploy', 'OK'], ['dns', 'OK'], ['record', 'OK']]);
  });

  it('undoes the record made for a first deploy that the agent refuses', async () => {
    const agent = await bed.startAgent({ name: 'orion' });
    const service = uniqueName('svc');
    agent.failNext('deploy', new ConnectError('no such image', Code.FailedPrecondition));
    const answer = await deploy(service);
    expect(statuses(answer.steps)).toEqual([['place', 'OK'], ['dns', 'OK'], ['deploy', 'FAILED'], ['dns', 'SKIPPED'], ['edge_route', 'SKIPPED'], ['record', 'SKIPPED']]);
    expect(answer.dnsResult?.detail).toMatch(new RegExp(`^the agent refused the deploy: the record made for it was undone \\(${service}\\.${zone} removed\\)$`));
    expect(await dig(service)).toEqual([]);
    expect(deps.store.findPlacement(service)).toBeUndefined();
  });

  it('leaves no record when the node does not answer the first deploy', async () => {
    await bed.addDeadNode({ name: 'orion' });
    const service = uniqueName('svc');
    await expect(deploy(service)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await dig(service)).toEqual([]);
    expect(deps.store.findPlacement(service)).toBeUndefined();
  });

  it('removes the record on undeploy, then the placement', async () => {
    await bed.startAgent({ name: 'orion' });
    const service = uniqueName('svc');
    await deploy(service);
    const answer = await undeployService(deps, service);
    expect(statuses(answer.steps)).toEqual([['undeploy', 'OK'], ['edge_route', 'SKIPPED'], ['dns', 'OK'], ['record', 'OK']]);
    expect(await dig(service)).toEqual([]);
    expect(deps.store.findPlacement(service)).toBeUndefined();
  });

  it("reports PowerDNS's refusal as a failed dns step with its reason, and still records the placement", async () => {
    await bed.startAgent({ name: 'orion' });
    const service = uniqueName('svc');
    await putRrsetDirectly(powerDns, zone, { name: `${service}.${zone}`, type: 'CNAME', content: 'elsewhere.example.' });
    const answer = await deploy(service);
    expect(answer.success).toBe(false);
    expect(answer.dnsResult?.status).toBe(ResultStatus.FAILED);
    expect(answer.dnsResult?.error).toMatch(new RegExp(`^${service}\\.${zone} A 127\\.0\\.0\\.1 \\(node orion\\) not recorded: powerdns: set ${service}\\.${zone} A: .*Conflicts with pre-existing RRset \\(HTTP 422\\)$`));
    expect(answer.error).toMatch(/^dns: /);
    expect(deps.store.findPlacement(service)?.node).toBe('orion');
  });

  it('keeps the placement when the record cannot be removed, and a retry removes both', async () => {
    await bed.startAgent({ name: 'orion' });
    const service = uniqueName('svc');
    await deploy(service);
    const deaf: ServiceDns = { driver: createPowerDnsDriver({ zone, apiUrl: powerDns.apiUrl, secret: 'wrong-key' }), ttlSeconds: 30 };
    const failed = await undeployService({ ...deps, dns: deaf }, service);
    expect(statuses(failed.steps)).toEqual([['undeploy', 'OK'], ['edge_route', 'SKIPPED'], ['dns', 'FAILED'], ['record', 'SKIPPED']]);
    expect(failed.error).toMatch(/^dns: .* not removed: powerdns: delete .*Unauthorized.*\(HTTP 401\)$/);
    expect(failed.error).not.toContain(powerDns.apiKey);
    expect(deps.store.findPlacement(service)).toBeDefined();
    const retried = await undeployService(deps, service);
    expect(retried.success).toBe(true);
    expect(await dig(service)).toEqual([]);
    expect(deps.store.findPlacement(service)).toBeUndefined();
  });

  it('repairs a record deleted or changed behind its back, and leaves records of no placement alone', async () => {
    await bed.startAgent({ name: 'orion' });
    const [lost, changed, stranger] = [uniqueName('svc'), uniqueName('svc'), uniqueName('svc')];
    await deploy(lost);
    await deploy(changed);
    await dns.driver.deleteRecords(lost, 'A');
    await dns.driver.setRecords(changed, 'A', ['10.9.9.9'], 30);
    await dns.driver.setRecords(stranger, 'A', ['10.8.8.8'], 30);
    expect(await dig(lost)).toEqual([]);
    const repair = new DnsRepair({ dns, store: deps.store, log: deps.log, timer: manualTimer, periodMs: 60_000 });
    const report = await repair.check();
    expect([...report.repaired].sort()).toEqual([lost, changed].sort());
    expect(report.failed).toEqual([]);
    expect(await dig(lost)).toEqual(['127.0.0.1']);
    expect(await dig(changed)).toEqual(['127.0.0.1']);
    expect(await dig(stranger)).toEqual(['10.8.8.8']);
    expect(bed.logs.lines().some((line) => line['msg'] === 'DNS record of a placed service was lost or changed; repaired' && line['service'] === lost)).toBe(true);
    expect((await repair.check()).repaired).toEqual([]);
  });

  it('lists the zone for mcp dns, and says so when the master has no DNS', async () => {
    await bed.startAgent({ name: 'orion' });
    const service = uniqueName('svc');
    await deploy(service);
    const answer = await listZoneRecords(deps);
    expect(answer).toMatchObject({ zone, configured: true });
    expect(answer.records.filter((record) => record.name === service).map(({ type, value, ttl }) => ({ type, value, ttl }))).toEqual([{ type: 'A', value: '127.0.0.1', ttl: 30 }]);
    expect(await listZoneRecords(bed.deps)).toMatchObject({ zone: '', configured: false, records: [] });
  });

  it('answers Unavailable naming the zone when the DNS server refuses the listing', async () => {
    const deaf: ServiceDns = { driver: createPowerDnsDriver({ zone, apiUrl: powerDns.apiUrl, secret: 'wrong-key' }), ttlSeconds: 30 };
    const error = await listZoneRecords({ ...deps, dns: deaf }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(FleetError);
    expect(error).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/^cannot list zone svc\.mcp\.test: powerdns: list zone svc\.mcp\.test: Unauthorized/) });
  });
});
