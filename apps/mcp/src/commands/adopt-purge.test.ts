import { create } from '@bufbuild/protobuf';
import { AdoptContainersResponseSchema, PurgeComponentResponseSchema, ResultStatus, type AdoptContainersRequest, type PurgeComponentRequest } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();

const adopted = (request: AdoptContainersRequest) =>
  create(AdoptContainersResponseSchema, {
    dryRun: request.dryRun,
    results: [
      { container: 'web-api', component: 'api', status: ResultStatus.OK, detail: 'image localhost/api:1.2' },
      { container: 'web-old', component: 'old', status: ResultStatus.SKIPPED, detail: 'already managed' },
    ],
  });

describe('mcp adopt --direct', () => {
  it('sends the service and --dry-run', async () => {
    const f = await fleet.start([{ name: 'rift', script: { adoptContainers: adopted } }]);
    await f.mcp('adopt', 'web', '--dry-run');
    expect(f.agent('rift').requests('adoptContainers')).toEqual([{ service: 'web', dryRun: true }]);
  });

  it('prints one row per container, "would" for what a dry run would adopt', async () => {
    const f = await fleet.start([{ name: 'rift', script: { adoptContainers: adopted } }]);
    const { exitCode, stdout } = await f.mcp('adopt', 'web', '--dry-run');
    expect([exitCode, stdout]).toEqual([
      0,
      'CONTAINER  COMPONENT  RESULT   DETAIL\nweb-api    api        would    image localhost/api:1.2\nweb-old    old        skipped  already managed\n',
    ]);
  });

  it('adopts for real without --dry-run and exits 1 when a container could not be adopted', async () => {
    const failing = () =>
      create(AdoptContainersResponseSchema, { results: [{ container: 'web-api', component: 'api', status: ResultStatus.FAILED, error: 'no image tag' }] });
    const f = await fleet.start([{ name: 'rift', script: { adoptContainers: failing } }]);
    const { exitCode, stdout } = await f.mcp('adopt', 'web');
    expect([exitCode, f.agent('rift').requests('adoptContainers'), stdout.split('\n')[1]]).toEqual([
      1,
      [{ service: 'web', dryRun: false }],
      'web-api    api        failed  no image tag',
    ]);
  });
});

const purged = (request: PurgeComponentRequest) =>
  create(PurgeComponentResponseSchema, {
    dryRun: request.dryRun,
    results: [{ service: 'old', component: 'api', status: ResultStatus.OK, detail: 'gone and undefined' }],
  });

describe('mcp purge --direct', () => {
  it('sends service, component and --dry-run to every node', async () => {
    const f = await fleet.start([{ name: 'rift', script: { purgeComponent: purged } }, { name: 'edge', script: { purgeComponent: purged } }]);
    await f.mcp('purge', 'old/api', '--dry-run');
    const expected = [{ service: 'old', component: 'api', dryRun: true }];
    expect([f.agent('rift').requests('purgeComponent'), f.agent('edge').requests('purgeComponent')]).toEqual([expected, expected]);
  });

  it('purges everything on the node named by -n without a target', async () => {
    const f = await fleet.start([{ name: 'rift', script: { purgeComponent: purged } }, { name: 'edge', script: { purgeComponent: purged } }]);
    const { exitCode, stdout } = await f.mcp('purge', '-n', 'edge');
    expect([exitCode, f.agent('edge').requests('purgeComponent'), f.agent('rift').calls, stdout]).toEqual([
      0,
      [{ service: '', component: '', dryRun: false }],
      [],
      'NODE  SERVICE  COMPONENT  RESULT  DETAIL\nedge  old      api        ok      gone and undefined\n',
    ]);
  });
});
