import { create } from '@bufbuild/protobuf';
import { DurationSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { GetServiceStatusResponseSchema, ListServicesResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();

const registry = (services: { name: string; active: boolean; components: string[] }[]) => () =>
  create(ListServicesResponseSchema, {
    services: services.map((service) => ({ ...service, components: service.components.map((name) => ({ name })) })),
  });

describe('mcp list --direct', () => {
  it('prints one row per service and node, sorted by service', async () => {
    const f = await fleet.start([
      { name: 'rift', script: { listServices: registry([{ name: 'web', active: true, components: ['api', 'worker'] }]) } },
      { name: 'edge', script: { listServices: registry([{ name: 'proxy', active: false, components: ['caddy'] }]) } },
    ]);
    const { exitCode, stdout } = await f.mcp('list');
    expect([exitCode, stdout]).toEqual([
      0,
      'SERVICE  NODE  ACTIVE  COMPONENTS\nproxy    edge  no      caddy\nweb      rift  yes     api,worker\n',
    ]);
  });

  it('asks only the node named by -n', async () => {
    const f = await fleet.start([
      { name: 'rift', script: { listServices: registry([]) } },
      { name: 'edge', script: { listServices: registry([]) } },
    ]);
    await f.mcp('list', '-n', 'rift');
    expect([f.agent('rift').requests('listServices'), f.agent('edge').calls]).toEqual([[{}], []]);
  });
});

const at = (iso: string) => timestampFromDate(new Date(iso));
const statusAnswer = () =>
  create(GetServiceStatusResponseSchema, {
    services: [
      {
        name: 'web',
        active: true,
        components: [
          { name: 'api', version: '1.2', desiredState: 'running', observedState: 'running', uptime: create(DurationSchema, { seconds: 139n }) },
          { name: 'worker', version: '', desiredState: 'running', observedState: 'exited' },
        ],
      },
    ],
    drift: [
      {
        service: 'web',
        component: 'worker',
        desiredState: 'running',
        observedState: 'exited',
        since: at('2024-05-01T10:00:00Z'),
        flapping: true,
        transitions: 6,
        window: create(DurationSchema, { seconds: 600n }),
      },
    ],
    recentEvents: [
      { id: 1n, service: 'web', component: 'worker', previousState: 'running', newState: 'exited', time: at('2024-05-01T10:00:00Z') },
      { id: 2n, service: 'web', component: 'worker', previousState: 'exited', newState: 'running', time: at('2024-05-01T10:01:00Z') },
    ],
  });

describe('mcp status --direct', () => {
  it('sends the service and --events to the service\'s node', async () => {
    const f = await fleet.start([{ name: 'rift', script: { getServiceStatus: statusAnswer } }]);
    await f.mcp('status', 'web', '--events', '5');
    expect(f.agent('rift').requests('getServiceStatus')).toEqual([{ service: 'web', eventLimit: 5 }]);
  });

  it('asks every node for every service without arguments, leaving the event limit to the agent', async () => {
    const f = await fleet.start([
      { name: 'rift', script: { getServiceStatus: statusAnswer } },
      { name: 'edge', script: { getServiceStatus: () => create(GetServiceStatusResponseSchema, {}) } },
    ]);
    await f.mcp('status');
    expect([f.agent('rift').requests('getServiceStatus'), f.agent('edge').requests('getServiceStatus')]).toEqual([
      [{ service: '', eventLimit: 0 }],
      [{ service: '', eventLimit: 0 }],
    ]);
  });

  it('prints components, then drift, then events newest first', async () => {
    const f = await fleet.start([{ name: 'rift', script: { getServiceStatus: statusAnswer } }]);
    const { exitCode, stdout } = await f.mcp('status', 'web');
    expect([exitCode, stdout]).toEqual([
      0,
      'SERVICE  COMPONENT  NODE  DESIRED  OBSERVED  VERSION  UPTIME\n' +
        'web      api        rift  running  running   1.2      2m19s\n' +
        'web      worker     rift  running  exited    -        -\n' +
        '\nDRIFT\n' +
        '  rift  web/worker: desired running, observed exited since 2024-05-01T10:00:00Z (flapping: 6 transitions in 10m0s)\n' +
        '\nEVENTS\n' +
        '  2024-05-01T10:01:00Z  rift  web/worker  exited → running\n' +
        '  2024-05-01T10:00:00Z  rift  web/worker  running → exited\n',
    ]);
  });

  it('asks every node of [[nodes]] for a service no -n or definition places, and shows the nodes that have it', async () => {
    const notHere = () => {
      throw new ConnectError('service web is not in the registry of node edge', Code.NotFound);
    };
    const f = await fleet.start([
      { name: 'rift', script: { getServiceStatus: statusAnswer } },
      { name: 'edge', script: { getServiceStatus: notHere } },
    ]);
    const { exitCode, stdout, stderr } = await f.mcp('status', 'web');
    expect([exitCode, stderr]).toEqual([0, '']);
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      'SERVICE  COMPONENT  NODE  DESIRED  OBSERVED  VERSION  UPTIME',
      'web      api        rift  running  running   1.2      2m19s',
      'web      worker     rift  running  exited    -        -',
    ]);
    expect([f.agent('rift').requests('getServiceStatus'), f.agent('edge').requests('getServiceStatus')]).toEqual([
      [{ service: 'web', eventLimit: 0 }],
      [{ service: 'web', eventLimit: 0 }],
    ]);
  });

  it('says so, exit 1, when no node of [[nodes]] has the service', async () => {
    const notHere = () => {
      throw new ConnectError('service web is not in the registry', Code.NotFound);
    };
    const f = await fleet.start([
      { name: 'rift', script: { getServiceStatus: notHere } },
      { name: 'edge', script: { getServiceStatus: notHere } },
    ]);
    const { exitCode, stderr } = await f.mcp('status', 'web');
    expect([exitCode, stderr]).toEqual([1, 'mcp: service web is on no node of [[nodes]] (asked rift, edge)\n']);
  });

  it('refuses an --events count that is not a positive whole number', async () => {
    const f = await fleet.start([{ name: 'rift', script: { getServiceStatus: statusAnswer } }]);
    const { exitCode, stderr } = await f.mcp('status', '--events', '0');
    expect([exitCode, stderr, f.agent('rift').calls]).toEqual([2, 'mcp: --events 0: expected a whole number from 1 to 10000\n', []]);
  });
});
