import { create } from '@bufbuild/protobuf';
import { ResultStatus, SyncAction, SyncResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { validDefinition } from '../cli-test-harness.js';
import { useFakeMaster } from '../fake-master-fleet.js';

const bed = useFakeMaster();

const plan = (dryRun: boolean, failed = false) => () =>
  create(SyncResponseSchema, {
    dryRun,
    success: !failed,
    plan: [
      { serviceName: 'api', action: SyncAction.DEPLOY, node: 'rift', reason: 'new service: fewest containers', status: dryRun ? ResultStatus.UNSPECIFIED : ResultStatus.OK },
      {
        serviceName: 'old',
        action: SyncAction.UNDEPLOY,
        node: 'edge',
        reason: 'placed on node edge but absent from the definitions sent',
        status: dryRun ? ResultStatus.UNSPECIFIED : failed ? ResultStatus.FAILED : ResultStatus.OK,
        error: failed ? 'node edge is unreachable' : '',
      },
      { serviceName: 'web', action: SyncAction.UNCHANGED, node: 'rift', reason: 'definition unchanged', status: dryRun ? ResultStatus.UNSPECIFIED : ResultStatus.SKIPPED },
    ],
  });

describe('mcp sync through the master', () => {
  it('sends every definition of the services dir and --dry-run to the master\'s Sync', async () => {
    const f = await bed.start({ master: { sync: plan(true) }, services: { web: validDefinition('web'), api: validDefinition('api') } });
    await f.mcp('sync', '--dry-run');
    expect(f.master.requests('sync')).toEqual([
      expect.objectContaining({
        dryRun: true,
        services: [expect.objectContaining({ name: 'api' }), expect.objectContaining({ name: 'web' })],
      }),
    ]);
  });

  it('asks the master to deploy without pulling with --no-pull, pulling every image with --pull, absent ones by default', async () => {
    const f = await bed.start({ master: { sync: plan(false) }, services: { web: validDefinition('web') } });
    expect((await f.mcp('sync', '--no-pull')).exitCode).toBe(0);
    expect((await f.mcp('sync', '--pull')).exitCode).toBe(0);
    expect((await f.mcp('sync')).exitCode).toBe(0);
    expect(f.master.requests('sync')).toEqual([
      expect.objectContaining({ noPull: true, pull: 'PULL_POLICY_NEVER' }),
      expect.objectContaining({ noPull: false, pull: 'PULL_POLICY_ALWAYS' }),
      expect.objectContaining({ noPull: false, pull: 'PULL_POLICY_IF_ABSENT' }),
    ]);
  });

  it('prints the plan of a dry run as deploy, undeploy and unchanged per service with the node and reason (exit 0)', async () => {
    const f = await bed.start({ master: { sync: plan(true) }, services: { web: validDefinition('web') } });
    const { exitCode, stdout } = await f.mcp('sync', '--dry-run');
    expect([exitCode, stdout]).toEqual([
      0,
      [
        'SERVICE  ACTION     NODE  REASON',
        'api      deploy     rift  new service: fewest containers',
        'old      undeploy   edge  placed on node edge but absent from the definitions sent',
        'web      unchanged  rift  definition unchanged',
        '',
      ].join('\n'),
    ]);
  });

  it('asks for a real sync without --dry-run and prints each service\'s result', async () => {
    const f = await bed.start({ master: { sync: plan(false) }, services: { web: validDefinition('web') } });
    const { exitCode, stdout, stderr } = await f.mcp('sync');
    expect([exitCode, f.master.requests('sync'), stderr, stdout.split('\n').slice(1, 4)]).toEqual([
      0,
      [expect.objectContaining({ dryRun: false })],
      `syncing 1 service through the master (${f.master.address})…\n`,
      ['api      deploy     rift  ok', 'old      undeploy   edge  ok', 'web      unchanged  rift  skipped'],
    ]);
  });

  it('exits 1 when a service of the sync failed, with its error in the RESULT column', async () => {
    const f = await bed.start({ master: { sync: plan(false, true) }, services: { web: validDefinition('web') } });
    const { exitCode, stdout } = await f.mcp('sync');
    expect([exitCode, stdout.split('\n')[2]]).toEqual([1, 'old      undeploy   edge  failed: node edge is unreachable']);
  });

  it('sends nothing when a definition is invalid (exit 2)', async () => {
    const f = await bed.start({ master: { sync: plan(true) }, services: { web: validDefinition('web'), bad: 'name = "bad"\nactive = "yes"\n' } });
    const { exitCode } = await f.mcp('sync');
    expect([exitCode, f.master.calls]).toEqual([2, []]);
  });

  it('refuses -n, which would narrow a sync that undeploys what it is not sent (exit 2)', async () => {
    const f = await bed.start({ master: { sync: plan(true) }, services: { web: validDefinition('web') } });
    const { exitCode, stderr } = await f.mcp('sync', '-n', 'rift');
    expect([exitCode, stderr.startsWith('mcp: mcp sync through mcp-master: -n/--node rift does not apply'), f.master.calls]).toEqual([2, true, []]);
  });
});
