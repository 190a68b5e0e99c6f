import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  MasterDeployResponseSchema,
  ResultStatus,
  StatusResponseSchema,
  StepResultSchema,
  UndeployResponseSchema,
  type StepResult,
} from '@mcp/proto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeMaster } from '../fake-master-fleet.js';

const bed = useFakeMaster();

const webDefinition = `# the web service
name = "web"

[[components]]
name = "api"
image = "localhost/api:1.2"
`;

const step = (name: string, status: ResultStatus, detail = ''): StepResult =>
  create(StepResultSchema, { step: name, status, success: status !== ResultStatus.FAILED, detail });
const placed = () => create(StatusResponseSchema, { services: [{ name: 'web', node: 'rift', status: 'running' }] });
const deployAnswer = (recorded: boolean) => () =>
  create(MasterDeployResponseSchema, {
    node: 'rift',
    success: recorded,
    steps: [step('place', ResultStatus.OK), recorded ? step('deploy', ResultStatus.OK) : step('deploy', ResultStatus.FAILED), step('record', recorded ? ResultStatus.OK : ResultStatus.SKIPPED)],
  });

describe('mcp stop and start through the master', () => {
  it('stop sends the definition with active = false and no pull to the master\'s Deploy, after asking where it is placed', async () => {
    const f = await bed.start({ master: { status: placed, deploy: deployAnswer(true) }, services: { web: webDefinition } });
    const { exitCode } = await f.mcp('stop', 'web');
    expect([exitCode, f.master.calls.map((call) => call.method), f.master.requests('status'), f.master.requests('deploy')]).toEqual([
      0,
      ['status', 'deploy'],
      [{ serviceName: 'web' }],
      [expect.objectContaining({ component: '', pull: 'PULL_POLICY_IF_ABSENT', service: expect.objectContaining({ name: 'web', active: false }) })],
    ]);
  });

  it('stop sets active = false in the file and keeps its comments', async () => {
    const f = await bed.start({ master: { status: placed, deploy: deployAnswer(true) }, services: { web: webDefinition } });
    const { stdout } = await f.mcp('stop', 'web');
    const text = await readFile(join(f.servicesDir, 'web.toml'), 'utf8');
    expect([text.startsWith('# the web service\n'), /^active = false$/m.test(text), stdout.endsWith(`${join(f.servicesDir, 'web.toml')}: active = false\n`)]).toEqual([true, true, true]);
  });

  it('start sends active = true and sets it in the file', async () => {
    const f = await bed.start({ master: { status: placed, deploy: deployAnswer(true) }, services: { web: webDefinition.replace('name = "web"', 'name = "web"\nactive = false') } });
    const { exitCode } = await f.mcp('start', 'web');
    const text = await readFile(join(f.servicesDir, 'web.toml'), 'utf8');
    expect([exitCode, f.master.requests('deploy'), /^active = true$/m.test(text)]).toEqual([
      0,
      [expect.objectContaining({ service: expect.objectContaining({ active: true }) })],
      true,
    ]);
  });

  it('refuses a service the master has not placed, without deploying it (exit 2)', async () => {
    const notPlaced = () => {
      throw new ConnectError('service web is not placed and no agent reports it', Code.NotFound);
    };
    const f = await bed.start({ master: { status: notPlaced, deploy: deployAnswer(true) }, services: { web: webDefinition } });
    const { exitCode, stderr } = await f.mcp('start', 'web');
    expect([exitCode, stderr, f.master.requests('deploy')]).toEqual([2, `mcp: mcp-master (${f.master.address}): service web is not placed and no agent reports it\n`, []]);
  });

  it('refuses a service only an agent reports (an orphan), naming what the master found', async () => {
    const orphan = () => create(StatusResponseSchema, { services: [], discrepancies: [{ serviceName: 'web', node: 'edge', message: 'web runs on edge without a placement' }] });
    const f = await bed.start({ master: { status: orphan, deploy: deployAnswer(true) }, services: { web: webDefinition } });
    const { exitCode, stderr } = await f.mcp('stop', 'web');
    expect([exitCode, stderr, f.master.requests('deploy')]).toEqual([
      2,
      `mcp: mcp-master (${f.master.address}) has not placed service web (web runs on edge without a placement); deploy it first (mcp deploy web), or pass --direct -n <node> to act on an agent without the master\n`,
      [],
    ]);
  });

  it('leaves the file as it was and exits 1 when the master did not record the change', async () => {
    const f = await bed.start({ master: { status: placed, deploy: deployAnswer(false) }, services: { web: webDefinition } });
    const { exitCode, stdout } = await f.mcp('stop', 'web');
    expect([exitCode, await readFile(join(f.servicesDir, 'web.toml'), 'utf8'), stdout.split('\n').at(-2)]).toEqual([
      1,
      webDefinition,
      `${join(f.servicesDir, 'web.toml')}: left as it was (the master did not record the change)`,
    ]);
  });

  it('refuses -n through the master (exit 2)', async () => {
    const f = await bed.start({ master: { status: placed, deploy: deployAnswer(true) }, services: { web: webDefinition } });
    const { exitCode, stderr } = await f.mcp('stop', 'web', '-n', 'rift');
    expect([exitCode, stderr.startsWith('mcp: mcp stop through mcp-master: -n/--node rift does not apply'), f.master.calls]).toEqual([2, true, []]);
  });
});

const undeployAnswer = (dropped: boolean) => () =>
  create(UndeployResponseSchema, {
    node: 'rift',
    success: dropped,
    steps: [
      dropped ? step('undeploy', ResultStatus.OK, 'torn down on node rift') : step('undeploy', ResultStatus.FAILED),
      step('record', dropped ? ResultStatus.OK : ResultStatus.SKIPPED, dropped ? 'placement deleted' : 'placement kept'),
    ],
    components: [{ name: 'api', success: dropped, status: dropped ? ResultStatus.OK : ResultStatus.FAILED, error: dropped ? '' : 'cannot remove' }],
  });

describe('mcp undeploy through the master', () => {
  it('sends the service name to the master\'s Undeploy and prints its steps with the components under the agent\'s', async () => {
    const f = await bed.start({ master: { undeploy: undeployAnswer(true) }, services: { web: webDefinition } });
    const { exitCode, stdout } = await f.mcp('undeploy', 'web');
    expect([exitCode, f.master.requests('undeploy'), stdout]).toEqual([
      0,
      [{ serviceName: 'web' }],
      `  undeploy: ok (torn down on node rift)\n    api: ok\n  record: ok (placement deleted)\n${join(f.servicesDir, 'web.toml')}: active = false\n`,
    ]);
  });

  it('leaves the file alone and exits 1 when the master kept the placement', async () => {
    const f = await bed.start({ master: { undeploy: undeployAnswer(false) }, services: { web: webDefinition } });
    const { exitCode } = await f.mcp('undeploy', 'web');
    expect([exitCode, await readFile(join(f.servicesDir, 'web.toml'), 'utf8')]).toEqual([1, webDefinition]);
  });

  it('undeploys a service that has no file', async () => {
    const f = await bed.start({ master: { undeploy: undeployAnswer(true) } });
    const { exitCode, stdout } = await f.mcp('undeploy', 'web', '--json');
    expect([exitCode, Object.keys(JSON.parse(stdout) as object)]).toEqual([0, ['master', 'response']]);
  });
});
