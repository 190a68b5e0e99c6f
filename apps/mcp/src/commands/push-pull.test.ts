import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  PullFileResponseSchema,
  PullFileStreamResponseSchema,
  PushFileResponseSchema,
  PushFileStreamResponseSchema,
  type PullFileStreamResponse,
} from '@mcp/proto';
import { createHash } from 'node:crypto';
import { chmod, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from '../fake-fleet.js';
import { unaryFileLimitBytes } from './push.js';

const fleet = useFakeFleet();
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const pushed = () => create(PushFileResponseSchema, { path: 'conf/app.toml', sizeBytes: 6n, sha256: sha256('a = 1\n') });
const pushedStream = async () => create(PushFileStreamResponseSchema, { path: 'big.bin', sizeBytes: 1n, sha256: 'x' });

describe('mcp push --direct', () => {
  it('sends the service, the remote path, the content and the local file\'s mode in one PushFile', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pushFile: pushed } }]);
    const local = await f.sandbox.write('app.toml', 'a = 1\n');
    await chmod(local, 0o640);
    const { exitCode, stdout } = await f.mcp('push', 'app.toml', 'web', 'conf/app.toml');
    expect([exitCode, f.agent('rift').requests('pushFile'), stdout]).toEqual([
      0,
      [{ service: 'web', path: 'conf/app.toml', content: Buffer.from('a = 1\n').toString('base64'), mode: 0o640 }],
      `pushed app.toml to rift:/srv/web/conf/app.toml (6 bytes, sha256 ${sha256('a = 1\n')})\n`,
    ]);
  });

  it('names the remote file after the local one and takes --mode in octal', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pushFile: pushed } }]);
    await f.sandbox.write('dir/secret.key', 'k');
    await f.mcp('push', 'dir/secret.key', 'web', '--mode', '0600');
    expect(f.agent('rift').requests('pushFile')).toEqual([expect.objectContaining({ path: 'secret.key', mode: 0o600 })]);
  });

  it('streams a file over 1 MiB: a header frame, then data frames that add up to the file', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pushFileStream: pushedStream } }]);
    const content = Buffer.alloc(unaryFileLimitBytes + 10, 7);
    await f.sandbox.write('big.bin', content.toString('latin1'));
    await chmod(join(f.sandbox.root, 'big.bin'), 0o644);
    await f.mcp('push', 'big.bin', 'web');
    const [frames] = f.agent('rift').requests('pushFileStream') as { header?: unknown; data?: string }[][];
    const data = Buffer.concat((frames ?? []).slice(1).map((frame) => Buffer.from(frame.data ?? '', 'base64')));
    expect([frames?.[0], data.equals(content)]).toEqual([
      { header: { service: 'web', path: 'big.bin', mode: 0o644, sizeBytes: String(content.length), sha256: '' } },
      true,
    ]);
  });

  it('says the agent lacks PushFileStream when a large file needs it', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pushFile: pushed } }]);
    await f.sandbox.write('big.bin', 'x'.repeat(unaryFileLimitBytes + 1));
    const { exitCode, stderr } = await f.mcp('push', 'big.bin', 'web');
    expect([exitCode, stderr]).toEqual([1, expect.stringContaining('which lacks PushFileStream; upgrade mcp-agent on rift')]);
  });

  it('refuses a local file that does not exist before calling the node', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pushFile: pushed } }]);
    const { exitCode, stderr } = await f.mcp('push', 'nowhere.txt', 'web');
    expect([exitCode, stderr, f.agent('rift').calls]).toEqual([
      2,
      'mcp: nowhere.txt: no such file; expected a regular file to push (mcp push <local> <service> [path])\n',
      [],
    ]);
  });

  it('still understands the old order <service> <local> when only it fits, and says so on stderr', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pushFile: pushed } }]);
    await f.sandbox.write('app.toml', 'a = 1\n');
    const { exitCode, stderr } = await f.mcp('push', 'web', 'app.toml', 'conf/app.toml');
    expect([exitCode, f.agent('rift').requests('pushFile'), stderr]).toEqual([
      0,
      [expect.objectContaining({ service: 'web', path: 'conf/app.toml' })],
      'mcp push web app.toml: read as <service> <local>, the old order; write mcp push <local> <service> [path]\n',
    ]);
  });

  it('takes the Go order when both readings fit (a file named like the service)', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pushFile: pushed } }]);
    await f.sandbox.write('web', 'x');
    await f.sandbox.write('notes', 'y');
    const { exitCode, stderr } = await f.mcp('push', 'web', 'notes');
    expect([exitCode, stderr, f.agent('rift').requests('pushFile')]).toEqual([0, '', [expect.objectContaining({ service: 'notes', path: 'web' })]]);
  });

  it('refuses a --mode that is not octal', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pushFile: pushed } }]);
    await f.sandbox.write('a.txt', 'a');
    const { exitCode } = await f.mcp('push', 'a.txt', 'web', '--mode', 'rw-r--r--');
    expect(exitCode).toBe(2);
  });
});

function streamOf(content: string, options: { sha?: string; mode?: number } = {}) {
  return async function* (): AsyncGenerator<PullFileStreamResponse> {
    yield create(PullFileStreamResponseSchema, {
      frame: {
        case: 'header',
        value: {
          service: 'web',
          path: 'data/app.db',
          mode: options.mode ?? 0o600,
          sizeBytes: BigInt(content.length),
          sha256: options.sha ?? sha256(content),
          modifiedAt: timestampFromDate(new Date('2024-05-01T10:00:00Z')),
        },
      },
    });
    for (const part of [content.slice(0, 3), content.slice(3)]) {
      yield create(PullFileStreamResponseSchema, { frame: { case: 'data', value: Buffer.from(part) } });
    }
  };
}

describe('mcp pull --direct', () => {
  it('sends the service and the remote path, and writes the streamed file with its mode', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pullFileStream: streamOf('hello world') } }]);
    const { exitCode, stdout } = await f.mcp('pull', 'web', 'data/app.db');
    const local = join(f.sandbox.root, 'app.db');
    expect([exitCode, f.agent('rift').requests('pullFileStream'), await readFile(local, 'utf8'), (await stat(local)).mode & 0o777, stdout]).toEqual([
      0,
      [{ service: 'web', path: 'data/app.db' }],
      'hello world',
      0o600,
      `pulled rift:/srv/web/data/app.db to ${local} (11 bytes, sha256 ${sha256('hello world')})\n`,
    ]);
  });

  it('writes into a local directory under the remote file\'s name', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pullFileStream: streamOf('x') } }]);
    await f.sandbox.write('backups/.keep', '');
    await f.mcp('pull', 'web', 'data/app.db', 'backups');
    expect(await readFile(join(f.sandbox.root, 'backups', 'app.db'), 'utf8')).toBe('x');
  });

  it('uses PullFile when the agent has no PullFileStream', async () => {
    const small = () => create(PullFileResponseSchema, { content: Buffer.from('small'), mode: 0o644, sizeBytes: 5n, sha256: sha256('small') });
    const f = await fleet.start([{ name: 'rift', script: { pullFile: small } }]);
    const { exitCode } = await f.mcp('pull', 'web', 'conf/app.toml', 'copy.toml');
    expect([exitCode, f.agent('rift').requests('pullFile'), await readFile(join(f.sandbox.root, 'copy.toml'), 'utf8')]).toEqual([
      0,
      [{ service: 'web', path: 'conf/app.toml' }],
      'small',
    ]);
  });

  it('leaves no file when the content does not match the agent\'s SHA-256, and exits 1', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pullFileStream: streamOf('hello world', { sha: sha256('other') }) } }]);
    const { exitCode, stderr } = await f.mcp('pull', 'web', 'data/app.db');
    expect([exitCode, stderr, (await readdir(f.sandbox.root)).filter((name) => name.includes('app.db'))]).toEqual([
      1,
      expect.stringContaining('pulled file is damaged'),
      [],
    ]);
  });

  it('prints the file facts, not its content, under --json', async () => {
    const f = await fleet.start([{ name: 'rift', script: { pullFileStream: streamOf('hello world') } }]);
    const { stdout } = await f.mcp('pull', 'web', 'data/app.db', '--json');
    expect(JSON.parse(stdout)).toEqual({
      node: 'rift',
      address: f.agent('rift').address,
      response: {
        service: 'web',
        path: 'data/app.db',
        local: join(f.sandbox.root, 'app.db'),
        sizeBytes: 11,
        sha256: sha256('hello world'),
        mode: 0o600,
        modifiedAt: '2024-05-01T10:00:00.000Z',
      },
    });
  });
});
