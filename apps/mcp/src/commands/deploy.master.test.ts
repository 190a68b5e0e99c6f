import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { MasterDeployResponseSchema, ResultStatus } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeMaster } from '../fake-master-fleet.js';

const bed = useFakeMaster();

const webDefinition = `name = "web"
tier = "worker"

[[components]]
name = "api"
image = "localhost/api:1.2"

[[components]]
name = "worker"
image = "localhost/worker:1.2"
`;

const deployed = (success = true) =>
  create(MasterDeployResponseSchema, {
    node: 'rift',
    success,
    error: success ? '' : 'deploy: on node rift: worker: exit 125',
    steps: [
      { step: 'place', success: true, status: ResultStatus.OK, detail: 'node rift: fewest containers' },
      success
        ? { step: 'deploy', success: true, status: ResultStatus.OK, detail: 'api, worker deployed on node rift' }
        : { step: 'deploy', success: false, status: ResultStatus.FAILED, error: 'on node rift: worker: exit 125' },
      { step: 'dns', success: true, status: ResultStatus.SKIPPED, detail: 'no DNS configured' },
      { step: 'record', success: true, status: ResultStatus.OK, detail: 'placement recorded' },
    ],
    components: [
      { name: 'api', success: true, status: ResultStatus.OK, steps: [{ step: 'pull', success: true, status: ResultStatus.SKIPPED, detail: 'image present' }] },
      success
        ? { name: 'worker', success: true, status: ResultStatus.OK }
        : { name: 'worker', success: false, status: ResultStatus.FAILED, error: 'container: exit 125' },
    ],
  });

describe('mcp deploy through the master', () => {
  it('sends the whole definition, the component and --no-pull to the master\'s Deploy with the token', async () => {
    const f = await bed.start({ master: { deploy: () => deployed() }, services: { web: webDefinition } });
    await f.mcp('deploy', 'web/api', '--no-pull');
    expect(f.master.requests('deploy')).toEqual([
      expect.objectContaining({
        component: 'api',
        noPull: true,
        pull: 'PULL_POLICY_NEVER',
        service: expect.objectContaining({
          name: 'web',
          tier: 'worker',
          components: [
            expect.objectContaining({ name: 'api', image: 'localhost/api:1.2' }),
            expect.objectContaining({ name: 'worker', image: 'localhost/worker:1.2' }),
          ],
        }),
      }),
    ]);
    expect(f.master.calls.map((call) => call.authorization)).toEqual(['Bearer operator-token']);
  });

  it('asks for a pull of absent images only and every component by default, and for every pull with --pull', async () => {
    const f = await bed.start({ master: { deploy: () => deployed() }, services: { web: webDefinition } });
    await f.mcp('deploy', 'web');
    await f.mcp('deploy', 'web', '--pull');
    expect(f.master.requests('deploy')).toEqual([
      expect.objectContaining({ component: '', noPull: false, pull: 'PULL_POLICY_IF_ABSENT' }),
      expect.objectContaining({ component: '', noPull: false, pull: 'PULL_POLICY_ALWAYS' }),
    ]);
  });

  it('says it started, then prints one line per step with the agent\'s components under the deploy step', async () => {
    const f = await bed.start({ master: { deploy: () => deployed() }, services: { web: webDefinition } });
    const { exitCode, stdout, stderr } = await f.mcp('deploy', 'web');
    expect([exitCode, stderr, stdout]).toEqual([
      0,
      `deploying web via the master (${f.master.address})…\n`,
      [
        '  place: ok (node rift: fewest containers)',
        '  deploy: ok (api, worker deployed on node rift)',
        '    api: ok',
        '      pull: skipped (image present)',
        '    worker: ok',
        '  dns: skipped (no DNS configured)',
        '  record: ok (placement recorded)',
        '',
      ].join('\n'),
    ]);
  });

  it('exits 1 and shows the failed step and component when the master reports a failure', async () => {
    const f = await bed.start({ master: { deploy: () => deployed(false) }, services: { web: webDefinition } });
    const { exitCode, stdout } = await f.mcp('deploy', 'web');
    expect([exitCode, stdout.split('\n').filter((line) => line.includes('failed') || line.includes('exit 125'))]).toEqual([
      1,
      ['  deploy: failed: on node rift: worker: exit 125', '    worker: container: exit 125'],
    ]);
  });

  it('prints the master\'s address and whole answer as one JSON document under --json, and nothing on stderr', async () => {
    const f = await bed.start({ master: { deploy: () => deployed() }, services: { web: webDefinition } });
    const { exitCode, stdout, stderr } = await f.mcp('deploy', 'web', '--json');
    const document = JSON.parse(stdout) as { master: string; response: { node: string; steps: unknown[] } };
    expect([exitCode, stderr, document.master, document.response.node, document.response.steps.length]).toEqual([0, '', f.master.address, 'rift', 4]);
  });

  it('refuses -n, which only --direct has, without calling the master (exit 2)', async () => {
    const f = await bed.start({ master: { deploy: () => deployed() }, services: { web: webDefinition } });
    const { exitCode, stderr } = await f.mcp('deploy', 'web', '-n', 'rift');
    expect([exitCode, stderr, f.master.calls]).toEqual([
      2,
      expect.stringContaining('mcp deploy through mcp-master: -n/--node rift does not apply, the master\'s placement chooses the node'),
      [],
    ]);
  });

  it('exits 1 with the master\'s reason when the service cannot be placed', async () => {
    const refuse = () => {
      throw new ConnectError('cannot place: no healthy worker node', Code.FailedPrecondition);
    };
    const f = await bed.start({ master: { deploy: refuse }, services: { web: webDefinition } });
    const { exitCode, stderr } = await f.mcp('deploy', 'web');
    expect([exitCode, stderr.split('\n')[1]]).toEqual([1, `mcp: mcp-master (${f.master.address}) could not carry out Deploy: cannot place: no healthy worker node`]);
  });

  it('exits 2 with the master\'s message as a JSON error when it refuses the definition under --json', async () => {
    const refuse = () => {
      throw new ConnectError('service.components[0].image: expected a tag', Code.InvalidArgument);
    };
    const f = await bed.start({ master: { deploy: refuse }, services: { web: webDefinition } });
    const { exitCode, stdout, stderr } = await f.mcp('deploy', 'web', '--json');
    expect([exitCode, JSON.parse(stdout), stderr]).toEqual([
      2,
      { error: { code: 'invalid_input', message: `mcp-master (${f.master.address}) refused Deploy: service.components[0].image: expected a tag` } },
      '',
    ]);
  });
});
