import { create } from '@bufbuild/protobuf';
import { NodeStatusResponseSchema, RecoverResponseSchema, ResultStatus } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();

describe('mcp node list --direct', () => {
  it('prints NAME ADDRESS VERSION from each node\'s NodeStatus', async () => {
    const f = await fleet.start([{ name: 'rift' }, { name: 'edge' }]);
    const { exitCode, stdout } = await f.mcp('node', 'list');
    const [rift, edge] = [f.agent('rift').address, f.agent('edge').address];
    expect([exitCode, stdout]).toEqual([0, `NAME  ADDRESS${' '.repeat(rift.length - 7)}  VERSION\nrift  ${rift}  0.1.0-fake\nedge  ${edge}  0.1.0-fake\n`]);
  });

  it('keeps the row of a node that does not answer, and exits 1 naming it', async () => {
    const f = await fleet.start([{ name: 'rift' }, { name: 'edge' }]);
    await f.agent('edge').close();
    const { exitCode, stdout, stderr } = await f.mcp('node', 'list');
    expect([exitCode, stdout.split('\n')[2], stderr]).toEqual([
      1,
      `edge  ${f.agent('edge').address}  -`,
      expect.stringContaining(`cannot reach node edge at ${f.agent('edge').address} (NodeStatus)`),
    ]);
  });

  it('asks only the node named by -n', async () => {
    const f = await fleet.start([{ name: 'rift' }, { name: 'edge' }]);
    const { stdout } = await f.mcp('node', 'list', '-n', 'edge');
    expect([f.agent('rift').calls, f.agent('edge').requests('nodeStatus'), stdout.split('\n')[1]]).toEqual([
      [],
      [{}],
      `edge  ${f.agent('edge').address}  0.1.0-fake`,
    ]);
  });

  it('prints each NodeStatus under --json', async () => {
    const f = await fleet.start([{ name: 'rift' }]);
    const { stdout } = await f.mcp('node', 'list', '--json');
    expect(JSON.parse(stdout)).toEqual({
      nodes: [{ node: 'rift', address: f.agent('rift').address, response: expect.objectContaining({ node: 'rift', agentVersion: '0.1.0-fake' }) }],
    });
  });
});

const recovered = () =>
  create(RecoverResponseSchema, {
    success: false,
    results: [
      { service: 'web', component: 'api', status: ResultStatus.OK },
      { service: 'web', component: 'worker', status: ResultStatus.SKIPPED, detail: 'already running' },
      {
        service: 'db',
        component: 'main',
        status: ResultStatus.FAILED,
        error: 'image localhost/db:3 is not present',
        steps: [{ step: 'container', success: false, status: ResultStatus.FAILED, error: 'image localhost/db:3 is not present' }],
      },
    ],
  });

describe('mcp agent recover --direct', () => {
  it('sends the service to the node named by -n', async () => {
    const f = await fleet.start([{ name: 'rift', script: { recover: recovered } }, { name: 'edge', script: { recover: recovered } }]);
    await f.mcp('agent', 'recover', 'web', '-n', 'edge');
    expect([f.agent('rift').calls, f.agent('edge').requests('recover')]).toEqual([[], [{ service: 'web' }]]);
  });

  it('recovers every service of the only node and prints one line per component', async () => {
    const f = await fleet.start([{ name: 'rift', script: { recover: recovered } }]);
    const { exitCode, stdout } = await f.mcp('agent', 'recover');
    expect([exitCode, f.agent('rift').requests('recover'), stdout]).toEqual([
      1,
      [{ service: '' }],
      '  web/api: ok\n  web/worker: skipped (already running)\n  db/main: image localhost/db:3 is not present\n    container: failed: image localhost/db:3 is not present\n',
    ]);
  });

  it('needs -n among several nodes when no service names one', async () => {
    const f = await fleet.start([{ name: 'rift' }, { name: 'edge' }]);
    const { exitCode, stderr } = await f.mcp('agent', 'recover');
    expect([exitCode, stderr]).toEqual([2, expect.stringContaining('which node? pass -n/--node with one of: rift (')]);
  });
});

const richStatus = () =>
  create(NodeStatusResponseSchema, {
    node: 'rift',
    role: 'worker',
    agentVersion: '0.3.0',
    address: '10.0.0.2:9444',
    uptime: { seconds: 3725n, nanos: 0 },
    facts: { hostname: 'rift', arch: 'amd64', os: 'linux', osRelease: 'debian 12', kernel: '6.1.0', cpus: 2, memoryBytes: 24n * 1024n ** 3n, diskBytes: 100n * 1024n ** 3n },
    capacity: { cpuMillicores: 2000n, cpuMillicoresUsed: 500n, memoryAvailableBytes: 16n * 1024n ** 3n, diskAvailableBytes: 50n * 1024n ** 3n, containers: 3, services: 2, components: 4 },
    runtimes: [
      { name: 'podman', componentRuntime: 'container', available: true, version: '4.3.1' },
      { name: 'qemu', componentRuntime: 'unikernel', available: true, version: '7.2', acceleration: 'tcg' },
    ],
    capabilities: ['Deploy', 'NodeStatus'],
  });

describe('mcp agent status --direct', () => {
  it('prints what the agent reports: version, uptime, facts, capacity, runtimes and capabilities', async () => {
    const f = await fleet.start([{ name: 'rift', script: { nodeStatus: richStatus } }]);
    const { exitCode, stdout } = await f.mcp('agent', 'status');
    expect([exitCode, stdout]).toEqual([
      0,
      [
        `NODE: rift (${f.agent('rift').address})`,
        '  role          worker',
        '  version       0.3.0',
        '  uptime        1h2m',
        '  listens on    10.0.0.2:9444',
        '  host          rift (linux debian 12, kernel 6.1.0), amd64',
        '  machine       2 CPUs, 24.0 GiB memory, 100.0 GiB disk',
        '  free          cpu 1500m of 2000m, 16.0 GiB memory, 50.0 GiB disk',
        '  running       3 containers/VMs, 2 services, 4 components',
        '  runtimes      podman 4.3.1 [container]: available',
        '                qemu 7.2 [unikernel, tcg]: available',
        '  capabilities  Deploy, NodeStatus',
        '',
      ].join('\n'),
    ]);
  });

  it('asks every node unless -n names one, and prints each NodeStatus under --json', async () => {
    const f = await fleet.start([{ name: 'rift' }, { name: 'edge' }]);
    const { stdout } = await f.mcp('agent', 'status', '-n', 'edge', '--json');
    expect([f.agent('rift').calls, JSON.parse(stdout)]).toEqual([
      [],
      { nodes: [{ node: 'edge', address: f.agent('edge').address, response: expect.objectContaining({ node: 'edge', agentVersion: '0.1.0-fake' }) }] },
    ]);
  });

  it('reports a node that does not answer after the others (exit 1)', async () => {
    const f = await fleet.start([{ name: 'rift' }, { name: 'edge' }]);
    await f.agent('edge').close();
    const { exitCode, stdout, stderr } = await f.mcp('agent', 'status');
    expect([exitCode, stdout.split('\n')[0], stderr]).toEqual([1, `NODE: rift (${f.agent('rift').address})`, expect.stringContaining('cannot reach node edge')]);
  });
});
