import { create } from '@bufbuild/protobuf';
import { ListDNSRecordsResponseSchema, ListZoneRecordsResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeMaster } from '../fake-master-fleet.js';

const bed = useFakeMaster();

const zone = () =>
  create(ListZoneRecordsResponseSchema, {
    zone: 'svc.mcp.test',
    configured: true,
    records: [
      { id: 'x', name: 'mcq', type: 'A', value: '127.0.1.2', ttl: 60 },
      { id: 'y', name: '@', type: 'SOA', value: 'ns1.svc.mcp.test. hostmaster.svc.mcp.test. 1 10800 3600 604800 60', ttl: 3600 },
      { id: 'z', name: 'hello', type: 'A', value: '127.0.1.3', ttl: 60 },
    ],
  });

describe('mcp dns through the master', () => {
  it('prints ZONE then the records aligned, sorted by name', async () => {
    const f = await bed.start({ master: { listZoneRecords: zone } });
    const { exitCode, stdout } = await f.mcp('dns');
    expect([exitCode, stdout.split('\n')]).toEqual([
      0,
      [
        'ZONE: svc.mcp.test',
        'NAME   TYPE  VALUE                                                              TTL',
        '@      SOA   ns1.svc.mcp.test. hostmaster.svc.mcp.test. 1 10800 3600 604800 60  3600',
        'hello  A     127.0.1.3                                                          60',
        'mcq    A     127.0.1.2                                                          60',
        '',
      ],
    ]);
  });

  it('prints the master\'s answer under --json', async () => {
    const f = await bed.start({ master: { listZoneRecords: zone } });
    const { stdout } = await f.mcp('dns', '--json');
    const document = JSON.parse(stdout) as { master: string; response: { zone: string; configured: boolean; records: { name: string }[] } };
    expect(document.master).toBe(f.master.address);
    expect(document.response.zone).toBe('svc.mcp.test');
    expect(document.response.configured).toBe(true);
    expect(document.response.records.map((record) => record.name)).toEqual(['mcq', '@', 'hello']);
  });

  it('says so when the master has no DNS configured', async () => {
    const f = await bed.start({ master: { listZoneRecords: () => create(ListZoneRecordsResponseSchema, { configured: false }) } });
    const { exitCode, stdout } = await f.mcp('dns');
    expect([exitCode, stdout]).toEqual([0, 'the master has no DNS configured ([dns] in its config): it keeps no service records\n']);
  });

  it('with -n asks that agent how it reads the zone', async () => {
    const f = await bed.start({
      agents: [{ name: 'worker', script: { listDNSRecords: () => create(ListDNSRecordsResponseSchema, { configured: false }) } }],
    });
    const { exitCode, stdout } = await f.mcp('dns', '-n', 'worker');
    expect([exitCode, stdout]).toEqual([0, 'NODE: worker\nno DNS configured on this agent ([dns] in its config)\n']);
  });
});
