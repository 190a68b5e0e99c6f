import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { AddNodeResponseSchema, RemoveNodeResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeMaster } from '../fake-master-fleet.js';

const bed = useFakeMaster();
const added = () => create(AddNodeResponseSchema, { node: { name: 'vega', role: 'edge', address: '10.0.0.9:9444', arch: 'arm64', status: 'unknown' } });
const removed = () => create(RemoveNodeResponseSchema, { node: { name: 'vega', role: 'edge', address: '10.0.0.9:9444', status: 'healthy' } });

describe('mcp node add / remove', () => {
  it('sends name, address, --role and --arch to the master\'s AddNode', async () => {
    const f = await bed.start({ master: { addNode: added } });
    const { exitCode, stdout } = await f.mcp('node', 'add', 'vega', '10.0.0.9:9444', '--role', 'edge', '--arch', 'arm64');
    expect([exitCode, f.master.requests('addNode'), stdout]).toEqual([
      0,
      [{ name: 'vega', address: '10.0.0.9:9444', role: 'edge', arch: 'arm64' }],
      'added node vega (edge at 10.0.0.9:9444); its status is unknown until its agent registers\n',
    ]);
  });

  it('adds a worker of unknown arch by default', async () => {
    const f = await bed.start({ master: { addNode: added } });
    await f.mcp('node', 'add', 'vega', '10.0.0.9:9444');
    expect(f.master.requests('addNode')).toEqual([{ name: 'vega', address: '10.0.0.9:9444', role: 'worker', arch: '' }]);
  });

  it('prints the recorded node under --json', async () => {
    const f = await bed.start({ master: { addNode: added } });
    const { stdout } = await f.mcp('node', 'add', 'vega', '10.0.0.9:9444', '--json');
    expect(JSON.parse(stdout)).toEqual({ master: f.master.address, response: { node: expect.objectContaining({ name: 'vega', status: 'unknown' }) } });
  });

  it('refuses a role that is none of master, worker, edge before calling (exit 2)', async () => {
    const f = await bed.start({ master: { addNode: added } });
    const { exitCode } = await f.mcp('node', 'add', 'vega', '10.0.0.9:9444', '--role', 'boss');
    expect([exitCode, f.master.requests('addNode')]).toEqual([2, []]);
  });

  it('sends the name to RemoveNode and says what was removed', async () => {
    const f = await bed.start({ master: { removeNode: removed } });
    const { exitCode, stdout } = await f.mcp('node', 'remove', 'vega');
    expect([exitCode, f.master.requests('removeNode'), stdout]).toEqual([
      0,
      [{ name: 'vega' }],
      'removed node vega (edge at 10.0.0.9:9444) from the master\'s registry\n',
    ]);
  });

  it('shows the master\'s refusal of a node that still hosts services (exit 1)', async () => {
    const f = await bed.start({
      master: {
        removeNode: () => {
          throw new ConnectError('node vega hosts mcq; undeploy or migrate it first', Code.FailedPrecondition);
        },
      },
    });
    const { exitCode, stderr } = await f.mcp('node', 'remove', 'vega');
    expect([exitCode, stderr]).toEqual([1, expect.stringContaining('node vega hosts mcq; undeploy or migrate it first')]);
  });

  it('refuses --direct: [[nodes]] is the operator\'s file, not a registry (exit 2)', async () => {
    const f = await bed.start({ master: { addNode: added } });
    const { exitCode, stderr } = await f.mcp('--direct', 'node', 'add', 'vega', '10.0.0.9:9444');
    expect([exitCode, stderr, f.master.requests('addNode')]).toEqual([2, expect.stringContaining('--direct has none'), []]);
  });
});
