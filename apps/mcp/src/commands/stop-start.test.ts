import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ResultStatus, StartServiceResponseSchema, StopServiceResponseSchema } from '@mcp/proto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();

// Comments, quoting and order must survive the edit of `active` (SPEC 3).
const webDefinition = `# the public site
name = 'web'   # kept as written

[[components]]
name = "api"
image = 'localhost/api:1.2'
`;

const stopped = () =>
  create(StopServiceResponseSchema, { success: true, results: [{ name: 'api', success: true, status: ResultStatus.OK }] });
const started = () =>
  create(StartServiceResponseSchema, { success: true, results: [{ name: 'api', success: true, status: ResultStatus.OK }] });
const unavailable = () => {
  throw new ConnectError('podman socket closed', Code.Unavailable);
};

async function definitionText(servicesDir: string): Promise<string> {
  return readFile(join(servicesDir, 'web.toml'), 'utf8');
}

describe('mcp stop --direct', () => {
  it('sends the service name to its node', async () => {
    const f = await fleet.start([{ name: 'rift', script: { stopService: stopped } }], { services: { web: webDefinition } });
    await f.mcp('stop', 'web');
    expect(f.agent('rift').requests('stopService')).toEqual([{ service: 'web' }]);
  });

  it('adds active = false after the name line once the node stopped the service, keeping the rest of the file', async () => {
    const f = await fleet.start([{ name: 'rift', script: { stopService: stopped } }], { services: { web: webDefinition } });
    const { exitCode, stdout } = await f.mcp('stop', 'web');
    expect([exitCode, stdout, await definitionText(f.servicesDir)]).toEqual([
      0,
      `  api: ok\n${f.servicesDir}/web.toml: active = false\n`,
      webDefinition.replace("name = 'web'   # kept as written\n", "name = 'web'   # kept as written\nactive = false\n"),
    ]);
  });

  it('leaves the file as it was when the RPC fails', async () => {
    const f = await fleet.start([{ name: 'rift', script: { stopService: unavailable } }], { services: { web: webDefinition } });
    const { exitCode } = await f.mcp('stop', 'web');
    expect([exitCode, await definitionText(f.servicesDir)]).toEqual([1, webDefinition]);
  });

  it('leaves the file as it was when the node cannot be reached', async () => {
    const f = await fleet.start([{ name: 'rift', script: { stopService: stopped } }], { services: { web: webDefinition } });
    await f.agent('rift').close();
    const { exitCode } = await f.mcp('stop', 'web');
    expect([exitCode, await definitionText(f.servicesDir)]).toEqual([1, webDefinition]);
  });

  it('follows the node when it answered but a component failed to stop, and exits 1', async () => {
    const partly = () =>
      create(StopServiceResponseSchema, {
        success: false,
        results: [{ name: 'api', success: false, status: ResultStatus.FAILED, error: 'container: timeout' }],
      });
    const f = await fleet.start([{ name: 'rift', script: { stopService: partly } }], { services: { web: webDefinition } });
    const { exitCode, stdout } = await f.mcp('stop', 'web');
    expect([exitCode, stdout, (await definitionText(f.servicesDir)).includes('active = false')]).toEqual([
      1,
      `  api: container: timeout\n${f.servicesDir}/web.toml: active = false\n`,
      true,
    ]);
  });

  it('says the node stopped the service but the file could not be updated, and exits 1', async () => {
    let file = '';
    // The file is broken while the node works, so the edit after the RPC cannot be made.
    const stopAndBreakFile = async () => {
      await writeFile(file, 'name = [unclosed\n');
      return stopped();
    };
    const f = await fleet.start([{ name: 'rift', script: { stopService: stopAndBreakFile } }], { services: { web: webDefinition } });
    file = join(f.servicesDir, 'web.toml');
    const { exitCode, stdout } = await f.mcp('stop', 'web');
    expect([exitCode, stdout]).toEqual([
      1,
      expect.stringMatching(new RegExp(`^  api: ok\\n${file}: not updated \\(.+\\); node rift stopped web, so set active = false in it by hand\\n$`)),
    ]);
  });

  it('refuses a service without a definition before calling the node', async () => {
    const f = await fleet.start([{ name: 'rift', script: { stopService: stopped } }]);
    const { exitCode } = await f.mcp('stop', 'web');
    expect([exitCode, f.agent('rift').calls]).toEqual([2, []]);
  });

  it('prints the response and the rewritten file under --json', async () => {
    const f = await fleet.start([{ name: 'rift', script: { stopService: stopped } }], { services: { web: webDefinition } });
    const { stdout } = await f.mcp('stop', 'web', '--json');
    expect(JSON.parse(stdout)).toEqual({
      node: 'rift',
      address: f.agent('rift').address,
      response: { success: true, results: [expect.objectContaining({ name: 'api', status: 'RESULT_STATUS_OK' })] },
      definition: { file: `${f.servicesDir}/web.toml`, active: false, written: true },
    });
  });
});

describe('mcp start --direct', () => {
  it('sends the service name and sets active = true in place', async () => {
    const f = await fleet.start([{ name: 'rift', script: { startService: started } }], {
      services: { web: webDefinition.replace("# kept as written\n", "# kept as written\nactive = false # paused\n") },
    });
    const { exitCode } = await f.mcp('start', 'web');
    expect([exitCode, f.agent('rift').requests('startService'), await definitionText(f.servicesDir)]).toEqual([
      0,
      [{ service: 'web' }],
      webDefinition.replace("# kept as written\n", "# kept as written\nactive = true # paused\n"),
    ]);
  });

  it('leaves active = false in the file when the RPC fails', async () => {
    const paused = webDefinition.replace("# kept as written\n", "# kept as written\nactive = false\n");
    const f = await fleet.start([{ name: 'rift', script: { startService: unavailable } }], { services: { web: paused } });
    const { exitCode } = await f.mcp('start', 'web');
    expect([exitCode, await definitionText(f.servicesDir)]).toEqual([1, paused]);
  });
});
