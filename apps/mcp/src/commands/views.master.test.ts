import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DiscrepancyKind, ListNodesResponseSchema, StatusResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeMaster } from '../fake-master-fleet.js';

const bed = useFakeMaster();

const nodes = () =>
  create(ListNodesResponseSchema, {
    nodes: [
      { name: 'edge', role: 'edge', address: '10.0.0.3:9444', arch: 'amd64', status: 'unreachable', error: 'connect ECONNREFUSED', services: 0 },
      { name: 'rift', role: 'worker', address: '10.0.0.2:9444', arch: 'amd64', status: 'healthy', agentVersion: '0.1.0', containers: 2, services: 1, lastHeartbeat: '2025-05-01T10:00:00Z' },
    ],
  });

const fleetStatus = () =>
  create(StatusResponseSchema, {
    services: [
      {
        name: 'web',
        node: 'rift',
        tier: 'worker',
        status: 'running',
        active: true,
        deployedAt: timestampFromDate(new Date('2025-05-01T09:00:00Z')),
        components: [
          { name: 'worker', version: '1.2', desiredState: 'running', observedState: 'running', uptime: { seconds: 3725n, nanos: 0 } },
          { name: 'api', version: '', desiredState: 'running', observedState: 'exited' },
        ],
        edgeRoutes: [{ hostname: 'web.example.test', edgeNode: 'edge', certExpires: '2025-07-30T00:00:00Z', service: 'web', state: 'ok' }],
      },
      { name: 'dns', node: 'edge', tier: 'core', status: 'unreachable', error: 'node edge did not answer', components: [{ name: 'server', desiredState: 'running', observedState: 'unknown' }] },
    ],
    discrepancies: [{ kind: DiscrepancyKind.UNREACHABLE_NODE, node: 'edge', message: 'node edge did not answer' }],
  });

describe('mcp ps through the master', () => {
  it('asks the master\'s Status for the service named', async () => {
    const f = await bed.start({ master: { status: fleetStatus } });
    await f.mcp('ps', 'web');
    expect(f.master.requests('status')).toEqual([{ serviceName: 'web' }]);
  });

  it('prints SERVICE COMPONENT NODE STATE VERSION UPTIME sorted, and why a service\'s state is unknown on stderr', async () => {
    const f = await bed.start({ master: { status: fleetStatus } });
    const { exitCode, stdout, stderr } = await f.mcp('ps');
    expect([exitCode, stdout, stderr]).toEqual([
      0,
      [
        'SERVICE  COMPONENT  NODE  STATE    VERSION  UPTIME',
        'dns      server     edge  unknown  -        -',
        'web      api        rift  exited   -        -',
        'web      worker     rift  running  1.2      1h2m',
        '',
      ].join('\n'),
      'service dns (unreachable): node edge did not answer\n',
    ]);
  });

  it('shows only the services on the node -n names', async () => {
    const f = await bed.start({ master: { status: fleetStatus, listNodes: nodes } });
    const { stdout } = await f.mcp('ps', '-n', 'edge');
    expect(stdout.split('\n').slice(1, -1)).toEqual(['dns      server     edge  unknown  -        -']);
  });

  it('refuses a -n the master does not know, listing the nodes it does (exit 2)', async () => {
    const f = await bed.start({ master: { status: fleetStatus, listNodes: nodes } });
    const { exitCode, stderr } = await f.mcp('ps', '-n', 'orion');
    expect([exitCode, stderr]).toEqual([2, `mcp: -n/--node: mcp-master (${f.master.address}) knows no node "orion"; expected one of: edge, rift\n`]);
  });
});

describe('mcp status through the master', () => {
  it('prints the services, their components and what reconciliation found', async () => {
    const f = await bed.start({ master: { status: fleetStatus } });
    const { exitCode, stdout } = await f.mcp('status');
    expect([exitCode, stdout]).toEqual([
      0,
      [
        'SERVICE  NODE  TIER    ACTIVE  STATUS       DEPLOYED',
        'web      rift  worker  yes     running      2025-05-01T09:00:00Z',
        'dns      edge  core    no      unreachable  -',
        '',
        'SERVICE  COMPONENT  NODE  DESIRED  OBSERVED  VERSION  UPTIME',
        'web      worker     rift  running  running   1.2      1h2m',
        'web      api        rift  running  exited    -        -',
        'dns      server     edge  running  unknown   -        -',
        '',
        'PUBLIC NAMES',
        'SERVICE  HOSTNAME          EDGE  STATE  CERT-EXPIRES',
        'web      web.example.test  edge  ok     2025-07-30T00:00:00Z',
        '',
        'DISCREPANCIES',
        '  unreachable node: node edge did not answer',
        '',
      ].join('\n'),
    ]);
  });

  it('refuses --events, which the master\'s status does not carry (exit 2)', async () => {
    const f = await bed.start({ master: { status: fleetStatus } });
    const { exitCode, stderr } = await f.mcp('status', '--events', '5');
    expect([exitCode, stderr, f.master.calls]).toEqual([
      2,
      "mcp: --events 5: the master's status carries no events; pass --direct to read them from the node's agent\n",
      [],
    ]);
  });

  it('prints the master\'s answer as {master, response} under --json', async () => {
    const f = await bed.start({ master: { status: fleetStatus } });
    const { stdout } = await f.mcp('status', 'web', '--json');
    const document = JSON.parse(stdout) as { master: string; response: { services: { name: string }[] } };
    expect([document.master, document.response.services.map((service) => service.name), f.master.requests('status')]).toEqual([
      f.master.address,
      ['web', 'dns'],
      [{ serviceName: 'web' }],
    ]);
  });
});

describe('mcp node list through the master', () => {
  it('prints NAME ADDRESS VERSION, then role, arch, status, containers, services and last heartbeat; why a node is unreachable on stderr', async () => {
    const f = await bed.start({ master: { listNodes: nodes } });
    const { exitCode, stdout, stderr } = await f.mcp('node', 'list');
    expect([exitCode, stdout, stderr]).toEqual([
      0,
      [
        'NAME  ADDRESS        VERSION  ROLE    ARCH   STATUS       CONTAINERS  SERVICES  HEARTBEAT',
        'edge  10.0.0.3:9444  -        edge    amd64  unreachable  0           0         -',
        'rift  10.0.0.2:9444  0.1.0    worker  amd64  healthy      2           1         2025-05-01T10:00:00Z',
        '',
      ].join('\n'),
      'node edge (unreachable): connect ECONNREFUSED\n',
    ]);
  });

  it('lists only the node -n names', async () => {
    const f = await bed.start({ master: { listNodes: nodes } });
    const { stdout } = await f.mcp('node', 'list', '-n', 'rift', '--json');
    const document = JSON.parse(stdout) as { response: { nodes: { name: string }[] } };
    expect(document.response.nodes.map((node) => node.name)).toEqual(['rift']);
  });
});
