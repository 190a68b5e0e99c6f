import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { LogsResponseSchema, LogStream } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();
const text = (line: string) => new TextEncoder().encode(line);

async function* twoBatches() {
  yield create(LogsResponseSchema, { lines: [{ component: 'api', stream: LogStream.STDOUT, line: text('listening on :10001') }] });
  yield create(LogsResponseSchema, {
    lines: [
      {
        component: 'worker',
        stream: LogStream.STDERR,
        line: text('job 7 done'),
        time: timestampFromDate(new Date('2024-05-01T10:00:00.250Z')),
      },
    ],
  });
}

describe('mcp logs --direct', () => {
  it('sends -f, -n, -t and --since (counted back from now) in the request', async () => {
    const f = await fleet.start([{ name: 'rift', script: { logs: twoBatches } }]);
    await f.mcpAt(new Date('2024-05-01T12:00:00Z'), 'logs', 'web/api', '-f', '-n', '50', '-t', '--since', '10m');
    expect(f.agent('rift').requests('logs')).toEqual([
      { service: 'web', component: 'api', follow: true, tail: 50, timestamps: true, since: '2024-05-01T11:50:00Z' },
    ]);
  });

  it('leaves tail and since unset and follow and timestamps off by default', async () => {
    const f = await fleet.start([{ name: 'rift', script: { logs: twoBatches } }]);
    await f.mcp('logs', 'web');
    expect(f.agent('rift').requests('logs')).toEqual([{ service: 'web', component: '', follow: false, timestamps: false }]);
  });

  it('takes the node from --node, since -n is the number of lines here', async () => {
    const f = await fleet.start([{ name: 'rift', script: { logs: twoBatches } }, { name: 'edge', script: { logs: twoBatches } }]);
    await f.mcp('logs', 'web', '--node', 'edge', '-n', '5');
    expect([f.agent('rift').calls, f.agent('edge').requests('logs')]).toEqual([[], [expect.objectContaining({ tail: 5 })]]);
  });

  it('streams every line to stdout, naming the component when none was asked for, with the time when sent', async () => {
    const f = await fleet.start([{ name: 'rift', script: { logs: twoBatches } }]);
    const { exitCode, stdout } = await f.mcp('logs', 'web');
    expect([exitCode, stdout]).toEqual([0, 'api | listening on :10001\n2024-05-01T10:00:00.250Z worker | job 7 done\n']);
  });

  it('prints the lines alone when one component was asked for', async () => {
    const f = await fleet.start([{ name: 'rift', script: { logs: twoBatches } }]);
    const { stdout } = await f.mcp('logs', 'web/api');
    expect(stdout).toBe('listening on :10001\n2024-05-01T10:00:00.250Z job 7 done\n');
  });

  it('prints one JSON record per line under --json', async () => {
    const f = await fleet.start([{ name: 'rift', script: { logs: twoBatches } }]);
    const { stdout } = await f.mcp('logs', 'web', '--json');
    expect(stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { node: 'rift', component: 'api', stream: 'stdout', time: null, line: 'listening on :10001' },
      { node: 'rift', component: 'worker', stream: 'stderr', time: '2024-05-01T10:00:00.250Z', line: 'job 7 done' },
    ]);
  });

  it('keeps the lines already printed and exits with the error when the stream breaks', async () => {
    async function* breaks() {
      yield create(LogsResponseSchema, { lines: [{ component: 'api', line: text('first') }] });
      throw new ConnectError('component api of service web is not deployed', Code.NotFound);
    }
    const f = await fleet.start([{ name: 'rift', script: { logs: breaks } }]);
    const { exitCode, stdout, stderr } = await f.mcp('logs', 'web');
    expect([exitCode, stdout, stderr]).toEqual([
      2,
      'api | first\n',
      expect.stringContaining(`node rift (${f.agent('rift').address}): component api of service web is not deployed`),
    ]);
  });

  it('refuses a --since it cannot read before calling the node', async () => {
    const f = await fleet.start([{ name: 'rift', script: { logs: twoBatches } }]);
    const { exitCode, stderr } = await f.mcp('logs', 'web', '--since', 'yesterday');
    expect([exitCode, stderr.startsWith('mcp: --since "yesterday": expected'), f.agent('rift').calls]).toEqual([2, true, []]);
  });
});
