import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { LiveCheckResponseSchema, LiveInstanceSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from '../fake-fleet.js';
import { psRows } from './ps.js';

const fleet = useFakeFleet();

const instance = (service: string, component: string, state: string, version: string, uptimeSeconds?: number) =>
  create(LiveInstanceSchema, {
    service,
    component,
    state,
    version,
    ...(uptimeSeconds === undefined ? {} : { uptime: create(DurationSchema, { seconds: BigInt(uptimeSeconds) }) }),
  });

describe('psRows', () => {
  it.each([
    [instance('web', 'api', 'running', '1.2', 231_000), ['web', 'api', 'rift', 'running', '1.2', '2d16h']],
    [instance('web', 'api', 'running', '1.2', 86_220), ['web', 'api', 'rift', 'running', '1.2', '23h57m']],
    [instance('web', 'api', 'running', '1.2', 139), ['web', 'api', 'rift', 'running', '1.2', '2m19s']],
    [instance('web', 'api', 'exited', '1.2'), ['web', 'api', 'rift', 'exited', '1.2', '-']],
    [instance('web', 'api', 'missing', ''), ['web', 'api', 'rift', 'missing', '-', '-']],
  ])('shows %o as %o', (live, row) => {
    expect(psRows([{ node: 'rift', instances: [live] }])).toEqual([row]);
  });

  it('sorts by service, component and node across nodes', () => {
    const rows = psRows([
      { node: 'rift', instances: [instance('web', 'worker', 'running', '1'), instance('db', 'main', 'running', '1')] },
      { node: 'edge', instances: [instance('web', 'api', 'running', '1'), instance('web', 'worker', 'running', '1')] },
    ]);
    expect(rows.map((row) => row.slice(0, 3).join('/'))).toEqual(['db/main/rift', 'web/api/edge', 'web/worker/edge', 'web/worker/rift']);
  });
});

describe('mcp ps --direct', () => {
  const live = (node: string) => () =>
    create(LiveCheckResponseSchema, {
      instances: [instance('web', node === 'rift' ? 'api' : 'proxy', 'running', '1.2', 139)],
      warnings: node === 'edge' ? ['qemu: not installed'] : [],
    });

  it('asks every node and prints the columns of SPEC 5 aligned, with warnings on stderr', async () => {
    const f = await fleet.start([{ name: 'rift', script: { liveCheck: live('rift') } }, { name: 'edge', script: { liveCheck: live('edge') } }]);
    const { exitCode, stdout, stderr } = await f.mcp('ps');
    expect([exitCode, stdout, stderr]).toEqual([
      0,
      'SERVICE  COMPONENT  NODE  STATE    VERSION  UPTIME\n' +
        'web      api        rift  running  1.2      2m19s\n' +
        'web      proxy      edge  running  1.2      2m19s\n',
      'node edge: qemu: not installed\n',
    ]);
  });

  it('sends the service and asks only the node named by -n', async () => {
    const f = await fleet.start([{ name: 'rift', script: { liveCheck: live('rift') } }, { name: 'edge', script: { liveCheck: live('edge') } }]);
    await f.mcp('ps', 'web', '-n', 'edge');
    expect([f.agent('rift').calls, f.agent('edge').requests('liveCheck')]).toEqual([[], [{ service: 'web' }]]);
  });

  it('still shows the nodes that answered when one is down, and exits 1 naming it', async () => {
    const f = await fleet.start([{ name: 'rift', script: { liveCheck: live('rift') } }, { name: 'edge' }]);
    await f.agent('edge').close();
    const { exitCode, stdout, stderr } = await f.mcp('ps');
    expect([exitCode, stdout.split('\n')[1], stderr]).toEqual([
      1,
      'web      api        rift  running  1.2      2m19s',
      expect.stringMatching(new RegExp(`^mcp: cannot reach node edge at ${f.agent('edge').address} \\(NodeStatus\\)`)),
    ]);
  });

  it('prints {nodes:[{node,address,response}|{node,address,error}]} under --json', async () => {
    const f = await fleet.start([{ name: 'rift', script: { liveCheck: live('rift') } }, { name: 'edge' }]);
    await f.agent('edge').close();
    const { stdout } = await f.mcp('ps', '--json');
    expect(JSON.parse(stdout)).toEqual({
      nodes: [
        {
          node: 'rift',
          address: f.agent('rift').address,
          response: { instances: [expect.objectContaining({ service: 'web', component: 'api', uptime: '139s' })], warnings: [] },
        },
        { node: 'edge', address: f.agent('edge').address, error: { code: 'unavailable', message: expect.stringContaining('cannot reach node edge') } },
      ],
    });
  });
});
