import { create } from '@bufbuild/protobuf';
import { RestartServiceResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { createCliSandbox, validDefinition } from './cli-test-harness.js';
import { useFakeFleet } from './fake-fleet.js';

const fleet = useFakeFleet();
const restarted = () => create(RestartServiceResponseSchema, { success: true });

describe('without --direct and without [master] address', () => {
  it.each([
    ['deploy', 'web'],
    ['undeploy', 'web'],
    ['stop', 'web'],
    ['start', 'web'],
    ['restart', 'web'],
    ['sync'],
    ['list'],
    ['ps'],
    ['status'],
    ['logs', 'web'],
    ['adopt', 'web'],
    ['purge'],
    ['push', 'file.txt', 'web'],
    ['pull', 'web', 'file.txt'],
    ['node', 'list'],
    ['agent', 'recover'],
    ['agent', 'status'],
    ['node', 'add', 'vega', '10.0.0.9:9444'],
    ['node', 'remove', 'vega'],
  ])('mcp %s says that no master is configured and that --direct works without one (exit 2)', async (...argv) => {
    const sandbox = await createCliSandbox();
    try {
      await sandbox.write('file.txt', 'content');
      const { exitCode, stderr } = await sandbox.run(argv);
      expect([exitCode, stderr]).toEqual([
        2,
        'mcp: no mcp-master to talk to: the CLI config (no file found: every default applies) has no [master] address; ' +
          'set address = "host:port" under [master], or pass --direct to talk to the agents of [[nodes]]\n',
      ]);
    } finally {
      await sandbox.remove();
    }
  });
});

describe('node selection', () => {
  it('uses -n over the definition\'s node', async () => {
    const f = await fleet.start([{ name: 'rift', script: { restartService: restarted } }, { name: 'edge', script: { restartService: restarted } }], {
      services: { web: validDefinition('web').replace('name = "web"\n', 'name = "web"\nnode = "rift"\n') },
    });
    await f.mcp('restart', 'web', '-n', 'edge');
    expect([f.agent('rift').calls.length, f.agent('edge').requests('restartService')]).toEqual([0, [{ service: 'web', component: '' }]]);
  });

  it('uses the definition\'s node without -n', async () => {
    const f = await fleet.start([{ name: 'rift', script: { restartService: restarted } }, { name: 'edge', script: { restartService: restarted } }], {
      services: { web: validDefinition('web').replace('name = "web"\n', 'name = "web"\nnode = "edge"\n') },
    });
    await f.mcp('restart', 'web');
    expect([f.agent('rift').calls.length, f.agent('edge').requests('restartService').length]).toEqual([0, 1]);
  });

  it('uses the only configured node when the service has no definition', async () => {
    const f = await fleet.start([{ name: 'rift', script: { restartService: restarted } }]);
    const { exitCode } = await f.mcp('restart', 'web');
    expect([exitCode, f.agent('rift').requests('restartService').length]).toEqual([0, 1]);
  });

  it('exits 2 listing the nodes when several are configured and nothing names one', async () => {
    const f = await fleet.start([{ name: 'rift' }, { name: 'edge' }]);
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: which node runs web? pass -n/--node with one of: rift (${f.agent('rift').address}), edge (${f.agent('edge').address}), or set node = "<name>" in its definition\n`,
    ]);
  });

  it('exits 2 when -n names a node that is not configured', async () => {
    const f = await fleet.start([{ name: 'rift' }]);
    const { exitCode, stderr } = await f.mcp('restart', 'web', '--node', 'edge');
    expect([exitCode, stderr]).toEqual([2, expect.stringContaining('-n/--node: node "edge" is not configured; expected one of: rift (')]);
  });

  it('exits 2 with the definition\'s problems when it cannot be read to find the node', async () => {
    const f = await fleet.start([{ name: 'rift' }, { name: 'edge' }], { services: { web: 'name = "web"\nactive = "yes"\n' } });
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([2, expect.stringContaining('web.toml: active:')]);
  });
});
