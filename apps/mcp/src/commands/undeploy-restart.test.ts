import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ResultStatus, RestartServiceResponseSchema, UndeployServiceResponseSchema } from '@mcp/proto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validDefinition } from '../cli-test-harness.js';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();

const undeployed = () =>
  create(UndeployServiceResponseSchema, {
    success: true,
    results: [
      {
        name: 'web',
        success: true,
        status: ResultStatus.OK,
        steps: [{ step: 'dns', success: true, status: ResultStatus.SKIPPED, detail: 'no DNS configured' }],
      },
    ],
    steps: [
      { step: 'registry', success: true, status: ResultStatus.OK, detail: 'marked inactive' },
      { step: 'ports', success: true, status: ResultStatus.SKIPPED, detail: 'no routes' },
    ],
  });

describe('mcp undeploy --direct', () => {
  it('sends the service name and prints component lines, then the service\'s own skipped steps', async () => {
    const f = await fleet.start([{ name: 'rift', script: { undeployService: undeployed } }]);
    const { exitCode, stdout } = await f.mcp('undeploy', 'web');
    expect([exitCode, f.agent('rift').requests('undeployService'), stdout]).toEqual([
      0,
      [{ service: 'web' }],
      '  web: ok\n    dns: skipped (no DNS configured)\n  web (service):\n    ports: skipped (no routes)\n',
    ]);
  });

  it('sets active = false in the definition once the node tore the service down', async () => {
    const f = await fleet.start([{ name: 'rift', script: { undeployService: undeployed } }], { services: { web: validDefinition('web') } });
    await f.mcp('undeploy', 'web');
    expect(await readFile(join(f.servicesDir, 'web.toml'), 'utf8')).toBe(validDefinition('web').replace('name = "web"\n', 'name = "web"\nactive = false\n'));
  });

  it('leaves the definition as it was when the teardown call fails', async () => {
    const refuse = () => {
      throw new ConnectError('registry locked', Code.Aborted);
    };
    const f = await fleet.start([{ name: 'rift', script: { undeployService: refuse } }], { services: { web: validDefinition('web') } });
    const { exitCode } = await f.mcp('undeploy', 'web');
    expect([exitCode, await readFile(join(f.servicesDir, 'web.toml'), 'utf8')]).toEqual([1, validDefinition('web')]);
  });
});

describe('mcp restart --direct', () => {
  it('sends the service and the component', async () => {
    const f = await fleet.start([{ name: 'rift', script: { restartService: () => create(RestartServiceResponseSchema, { success: true }) } }]);
    await f.mcp('restart', 'web/api');
    expect(f.agent('rift').requests('restartService')).toEqual([{ service: 'web', component: 'api' }]);
  });

  it('exits 1 when the agent reports a component that did not restart', async () => {
    const failed = () =>
      create(RestartServiceResponseSchema, { success: false, results: [{ name: 'api', status: ResultStatus.FAILED, error: 'exit 1' }] });
    const f = await fleet.start([{ name: 'rift', script: { restartService: failed } }]);
    const { exitCode, stdout } = await f.mcp('restart', 'web');
    expect([exitCode, stdout]).toEqual([1, '  api: exit 1\n']);
  });
});
