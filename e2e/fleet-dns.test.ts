// Service records through a real master, real agents and podman, and a real PowerDNS (SPEC §7): the master is the one
// writer of <service>.svc.mcp.test; dig sees what deploy made and undeploy removed, lost records come back by the
// master's repair loop, and PowerDNS's refusals reach the operator as a failed dns step with the reason.
import { createPowerDnsDriver } from '@mcp/dns';
import { digShort, probePowerDns, putRrsetDirectly, startTestPowerDns, type TestPowerDns } from '@mcp/dns/testing';
import { ResultStatus } from '@mcp/proto';
import { createTempDir, ensureBusyboxImage, requireRuntime, uniqueName, type TempDir } from '@mcp/testing';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import { busyboxService } from './support/busybox-service.js';
import { startFleet, type Fleet } from './support/fleet-process.js';
import { podmanUnavailable } from './support/podman.js';

const zone = 'svc.mcp.test';
const skip = (await podmanUnavailable()) ?? (await requireRuntime('powerdns', probePowerDns));

let powerDns: TestPowerDns;
let keyDir: TempDir;
let fleet: Fleet;
let image: string;
let worker: AgentProcess;
const deployed: string[] = [];

const dig = (service: string) => digShort({ server: powerDns.address, port: powerDns.dnsPort, name: `${service}.${zone}`, type: 'A' });
const driver = () => createPowerDnsDriver({ zone, apiUrl: powerDns.apiUrl, secret: powerDns.apiKey });
const workerAddress = () => worker.address.slice(0, worker.address.lastIndexOf(':'));

async function deploy(service: string) {
  deployed.push(service);
  return fleet.masterClient().deploy({ service: busyboxService({ name: service, image }), noPull: true });
}

describe.skipIf(skip !== undefined)(`DNS through the master${skip === undefined ? '' : ` (${skip})`}`, () => {
  beforeAll(async () => {
    [powerDns, keyDir, image] = await Promise.all([startTestPowerDns({ zones: [zone] }), createTempDir('mcp-e2e-dns-key'), ensureBusyboxImage()]);
    const secretPath = join(keyDir.path, 'pdns.key');
    await writeFile(secretPath, `${powerDns.apiKey}\n`, { mode: 0o600 });
    fleet = await startFleet({
      name: 'mcp-e2e-fleet-dns',
      agents: [{ role: 'master' }, { role: 'worker' }],
      dns: { link: { zone, apiUrl: powerDns.apiUrl, secretPath }, repairIntervalMs: 300 },
    });
    [worker] = fleet.byRole('worker') as [AgentProcess];
  }, 180_000);

  afterEach(async () => {
    for (const service of deployed.splice(0)) await fleet.masterClient().undeploy({ serviceName: service });
  });

  afterAll(async () => {
    await fleet?.close();
    await powerDns?.stop();
    await keyDir?.remove();
  });

  it("deploy makes <service>.svc.mcp.test answer the worker's address, and undeploy removes it", async () => {
    const service = uniqueName('hello');
    const answer = await deploy(service);
    expect(answer.success, `${answer.error}\n${await fleet.diagnostics()}`).toBe(true);
    expect(answer.node).toBe(worker.node);
    expect(answer.dnsResult).toMatchObject({ status: ResultStatus.OK, detail: `${service}.${zone} A ${workerAddress()} (node ${worker.node})` });
    expect(await dig(service)).toEqual([workerAddress()]);

    deployed.splice(deployed.indexOf(service), 1);
    const gone = await fleet.masterClient().undeploy({ serviceName: service });
    expect(gone.steps.find((step) => step.step === 'dns')).toMatchObject({ status: ResultStatus.OK, detail: `${service}.${zone} removed` });
    expect(await dig(service)).toEqual([]);
  });

  it("puts back a record deleted behind the master's back (its repair loop)", async () => {
    const service = uniqueName('lost');
    expect((await deploy(service)).success).toBe(true);
    await driver().deleteRecords(service, 'A');
    const restored = await fleet.waitFor(`${service}.${zone} restored`, async () => {
      const answer = await dig(service);
      return answer.length > 0 ? answer : undefined;
    }, 30_000);
    expect(restored).toEqual([workerAddress()]);
    const lines = await fleet.master.logLines();
    expect(lines.some((line) => line['msg'] === 'DNS record of a placed service was lost or changed; repaired' && line['service'] === service)).toBe(true);
  });

  it("reports PowerDNS's 422 as a failed dns step with its reason", async () => {
    const service = uniqueName('taken');
    await putRrsetDirectly(powerDns, zone, { name: `${service}.${zone}`, type: 'CNAME', content: 'elsewhere.example.' });
    const answer = await deploy(service);
    expect(answer.success).toBe(false);
    expect(answer.dnsResult?.status).toBe(ResultStatus.FAILED);
    expect(answer.error).toMatch(new RegExp(`^dns: ${service}\\.${zone} A .* not recorded: powerdns: .*Conflicts with pre-existing RRset \\(HTTP 422\\)$`));
    expect(answer.deployResult?.status).toBe(ResultStatus.OK);
  });
});
