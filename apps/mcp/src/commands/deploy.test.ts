import { create } from '@bufbuild/protobuf';
import { DeployResponseSchema, ResultStatus } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();

const webDefinition = `name = "web"
node = "rift"

[[components]]
name = "api"
image = "localhost/api:1.2"

[[components]]
name = "worker"
image = "localhost/worker:1.2"
`;

const deployed = create(DeployResponseSchema, {
  success: false,
  results: [
    {
      name: 'api',
      success: true,
      status: ResultStatus.OK,
      steps: [
        { step: 'pull', success: true, status: ResultStatus.SKIPPED, detail: 'image present' },
        { step: 'container', success: true, status: ResultStatus.OK },
      ],
    },
    {
      name: 'worker',
      success: false,
      status: ResultStatus.FAILED,
      error: 'container: exit 125',
      steps: [{ step: 'container', success: false, status: ResultStatus.FAILED, error: 'exit 125' }],
    },
  ],
});

describe('mcp deploy --direct', () => {
  it('sends the whole definition, the component and --no-pull to the node the definition names', async () => {
    const f = await fleet.start([{ name: 'edge' }, { name: 'rift', script: { deploy: () => deployed } }], {
      services: { web: webDefinition },
    });
    await f.mcp('deploy', 'web/api', '--no-pull');
    expect(f.agent('rift').requests('deploy')).toEqual([
      expect.objectContaining({
        component: 'api',
        noPull: true,
        service: expect.objectContaining({
          name: 'web',
          node: 'rift',
          components: [
            expect.objectContaining({ name: 'api', image: 'localhost/api:1.2' }),
            expect.objectContaining({ name: 'worker', image: 'localhost/worker:1.2' }),
          ],
        }),
      }),
    ]);
  });

  it('asks for a pull of absent images only by default and deploys every component when none is named', async () => {
    const f = await fleet.start([{ name: 'rift', script: { deploy: () => deployed } }], { services: { web: webDefinition } });
    await f.mcp('deploy', 'web');
    expect(f.agent('rift').requests('deploy')).toEqual([expect.objectContaining({ component: '', noPull: false, pull: 'PULL_POLICY_IF_ABSENT' })]);
  });

  it('sends --pull as a pull of every image and --no-pull as no pull at all', async () => {
    const f = await fleet.start([{ name: 'rift', script: { deploy: () => deployed } }], { services: { web: webDefinition } });
    await f.mcp('deploy', 'web', '--pull');
    await f.mcp('deploy', 'web', '--no-pull');
    expect(f.agent('rift').requests('deploy')).toEqual([
      expect.objectContaining({ noPull: false, pull: 'PULL_POLICY_ALWAYS' }),
      expect.objectContaining({ noPull: true, pull: 'PULL_POLICY_NEVER' }),
    ]);
  });

  it('prints one line per component with failed and skipped steps, and exits 1 when one failed', async () => {
    const f = await fleet.start([{ name: 'rift', script: { deploy: () => deployed } }], { services: { web: webDefinition } });
    const { exitCode, stdout } = await f.mcp('deploy', 'web');
    expect([exitCode, stdout]).toEqual([
      1,
      '  api: ok\n    pull: skipped (image present)\n  worker: container: exit 125\n    container: failed: exit 125\n',
    ]);
  });

  it('prints the node and the response as JSON under --json', async () => {
    const f = await fleet.start([{ name: 'rift', script: { deploy: () => create(DeployResponseSchema, { success: true, recorded: true }) } }], {
      services: { web: webDefinition },
    });
    const { exitCode, stdout, stderr } = await f.mcp('deploy', 'web', '--json');
    expect([exitCode, JSON.parse(stdout), stderr]).toEqual([
      0,
      { node: 'rift', address: f.agent('rift').address, response: { results: [], success: true, recorded: true } },
      '',
    ]);
  });

  it('refuses a component the definition does not have, sending nothing', async () => {
    const f = await fleet.start([{ name: 'rift', script: { deploy: () => deployed } }], { services: { web: webDefinition } });
    const { exitCode, stderr } = await f.mcp('deploy', 'web/db');
    expect([exitCode, stderr, f.agent('rift').requests('deploy')]).toEqual([
      2,
      `mcp: ${f.servicesDir}/web.toml: service web has no component "db"; expected one of: api, worker\n`,
      [],
    ]);
  });

  it('refuses a service without a definition, naming the file looked for', async () => {
    const f = await fleet.start([{ name: 'rift' }]);
    const { exitCode, stderr } = await f.mcp('deploy', 'ghost');
    expect([exitCode, stderr]).toEqual([2, expect.stringContaining(`no definition for service "ghost"; expected ghost.toml in the services dir ${f.servicesDir}`)]);
  });
});
