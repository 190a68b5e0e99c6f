import { create } from '@bufbuild/protobuf';
import {
  DesiredStateChange,
  ListServicesResponseSchema,
  ResultStatus,
  SyncDesiredStateResponseSchema,
  type SyncDesiredStateRequest,
} from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { brokenDefinition, validDefinition } from '../cli-test-harness.js';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();
const pinned = (name: string, node: string) => validDefinition(name).replace(`name = "${name}"\n`, `name = "${name}"\nnode = "${node}"\n`);
const recordAll = (request: SyncDesiredStateRequest) =>
  create(SyncDesiredStateResponseSchema, {
    success: true,
    results: request.services.map((spec) => ({ service: spec.name, change: DesiredStateChange.ADDED, status: ResultStatus.OK })),
  });
const sentNames = (requests: unknown[]) => requests.map((request) => (request as { services: { name: string }[] }).services.map((s) => s.name));

describe('mcp sync --direct', () => {
  it('sends each definition to the node it names, all of a node\'s definitions in one request', async () => {
    const f = await fleet.start([{ name: 'rift', script: { syncDesiredState: recordAll } }, { name: 'edge', script: { syncDesiredState: recordAll } }], {
      services: { web: pinned('web', 'rift'), api: pinned('api', 'rift'), proxy: pinned('proxy', 'edge') },
    });
    const { exitCode, stdout } = await f.mcp('sync');
    expect([exitCode, sentNames(f.agent('rift').requests('syncDesiredState')), sentNames(f.agent('edge').requests('syncDesiredState')), stdout]).toEqual([
      0,
      [['api', 'web']],
      [['proxy']],
      'NODE  SERVICE  CHANGE  RESULT\nrift  api      added   ok\nrift  web      added   ok\nedge  proxy    added   ok\n',
    ]);
  });

  it('refuses --no-pull, as it only records definitions and pulls nothing, and sends nothing (exit 2)', async () => {
    const f = await fleet.start([{ name: 'rift', script: { syncDesiredState: recordAll } }], { services: { web: validDefinition('web') } });
    const { exitCode, stderr } = await f.mcp('sync', '--no-pull');
    expect([exitCode, stderr, f.agent('rift').calls]).toEqual([
      2,
      'mcp: --no-pull: sync with --direct only records the definitions on the agents and pulls nothing; drop --no-pull, or sync through the master\n',
      [],
    ]);
  });

  it('sends the full definitions', async () => {
    const f = await fleet.start([{ name: 'rift', script: { syncDesiredState: recordAll } }], { services: { web: validDefinition('web') } });
    await f.mcp('sync');
    expect(f.agent('rift').requests('syncDesiredState')).toEqual([
      { services: [expect.objectContaining({ name: 'web', active: true, components: [expect.objectContaining({ image: 'localhost/web:1.0' })] })] },
    ]);
  });

  it('with -n sends unpinned definitions there and skips those pinned elsewhere', async () => {
    const f = await fleet.start([{ name: 'rift', script: { syncDesiredState: recordAll } }, { name: 'edge', script: { syncDesiredState: recordAll } }], {
      services: { web: validDefinition('web'), proxy: pinned('proxy', 'rift') },
    });
    const { stderr } = await f.mcp('sync', '-n', 'edge');
    expect([sentNames(f.agent('edge').requests('syncDesiredState')), f.agent('rift').calls, stderr]).toEqual([
      [['web']],
      [],
      `skipped proxy: pinned to node rift, and -n edge was given\nsyncing 1 service to edge (${f.agent('edge').address})\n`,
    ]);
  });

  it('sends nothing when a definition has no node among several, and exits 2 naming the file', async () => {
    const f = await fleet.start([{ name: 'rift', script: { syncDesiredState: recordAll } }, { name: 'edge', script: { syncDesiredState: recordAll } }], {
      services: { web: validDefinition('web'), proxy: pinned('proxy', 'edge') },
    });
    const { exitCode, stderr } = await f.mcp('sync');
    expect([exitCode, stderr, f.agent('edge').calls]).toEqual([2, expect.stringContaining('web.toml: no node key and 2 nodes configured'), []]);
  });

  it('sends nothing when a definition is invalid, and exits 2 listing its problems', async () => {
    const f = await fleet.start([{ name: 'rift', script: { syncDesiredState: recordAll } }], {
      services: { web: validDefinition('web'), api: brokenDefinition('api') },
    });
    const { exitCode, stderr } = await f.mcp('sync');
    expect([exitCode, stderr.split('\n').length > 3, stderr.includes('nothing was sent'), f.agent('rift').calls]).toEqual([2, true, true, []]);
  });

  it('exits 1 when a node reports a service it could not sync', async () => {
    const failing = () =>
      create(SyncDesiredStateResponseSchema, {
        success: false,
        results: [{ service: 'web', change: DesiredStateChange.STOPPED, status: ResultStatus.FAILED, error: 'stop failed: timeout' }],
      });
    const f = await fleet.start([{ name: 'rift', script: { syncDesiredState: failing } }], { services: { web: validDefinition('web') } });
    const { exitCode, stdout } = await f.mcp('sync');
    expect([exitCode, stdout.split('\n')[1]]).toEqual([1, 'rift  web      stopped  stop failed: timeout']);
  });

  it('--dry-run reads each node\'s registry, prints the plan and sends no definition', async () => {
    const recorded = () =>
      create(ListServicesResponseSchema, { services: [{ name: 'web', active: true, spec: { name: 'web', active: true } }] });
    const f = await fleet.start([{ name: 'rift', script: { listServices: recorded, syncDesiredState: recordAll } }], {
      services: { web: validDefinition('web'), api: validDefinition('api') },
    });
    const { exitCode, stdout } = await f.mcp('sync', '--dry-run');
    expect([exitCode, stdout, f.agent('rift').requests('syncDesiredState')]).toEqual([
      0,
      'NODE  SERVICE  PLAN\nrift  api      add\nrift  web      update\n',
      [],
    ]);
  });

  it('prints the nodes and the skipped definitions under --json', async () => {
    const f = await fleet.start([{ name: 'rift', script: { syncDesiredState: recordAll } }], { services: { web: validDefinition('web') } });
    const { stdout } = await f.mcp('sync', '--json');
    expect(JSON.parse(stdout)).toEqual({
      nodes: [{ node: 'rift', address: f.agent('rift').address, response: { success: true, results: [expect.objectContaining({ service: 'web', change: 'DESIRED_STATE_CHANGE_ADDED' })] } }],
      skipped: [],
    });
  });
});
