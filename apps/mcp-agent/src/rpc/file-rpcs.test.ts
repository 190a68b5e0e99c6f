// File RPCs end to end through the in-memory transport, on a real files root (no runtime needed: files touch none).
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { PushFileStreamRequestSchema, type PushFileStreamRequest } from '@mcp/proto';
import { openTempRegistry, type TempRegistry } from '@mcp/registry/testing';
import { createPodmanRuntime } from '@mcp/runtime';
import { createTempDir, type TempDir } from '@mcp/testing';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../deps.js';
import { captureLog } from '../testing/agent-test-bed.js';
import { MAX_PUSH_FRAME_BYTES, PULL_FRAME_BYTES, UNARY_FILE_LIMIT_BYTES, fileRpcs } from './file-rpcs.js';
import { inMemoryClient, type AgentClient } from './in-memory-client.fixture.js';

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

let dir: TempDir;
let temp: TempRegistry;
let root: string;
let client: AgentClient;

beforeEach(async () => {
  dir = await createTempDir('mcp-file-rpcs');
  temp = openTempRegistry();
  root = join(dir.path, 'srv');
  await mkdir(root);
  const deps: AgentDeps = {
    node: { name: 'files-node', role: 'worker', address: '127.0.0.1' },
    // Never called by the file RPCs; a runtime pointing nowhere proves it.
    runtime: createPodmanRuntime({ socketPath: join(dir.path, 'no-podman.sock') }),
    registry: temp.registry,
    clock: { now: () => new Date() },
    log: captureLog().log,
    files: { root, maxFileBytes: MAX_FILE_BYTES },
    version: '0.0.0-test',
    startedAt: new Date(),
    listenAddress: '127.0.0.1:0',
  };
  client = inMemoryClient(deps, [fileRpcs]);
});

afterEach(async () => {
  temp.cleanup();
  await dir.remove();
});

async function codeOf(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => ConnectError.from(thrown),
  );
  if (error === undefined) throw new Error('expected the call to fail');
  return { code: error.code, message: error.rawMessage };
}

function header(fields: { service: string; path: string; sizeBytes: number; sha256?: string; mode?: number }): PushFileStreamRequest {
  return create(PushFileStreamRequestSchema, {
    frame: { case: 'header', value: { ...fields, sizeBytes: BigInt(fields.sizeBytes) } },
  });
}

function data(bytes: Uint8Array): PushFileStreamRequest {
  return create(PushFileStreamRequestSchema, { frame: { case: 'data', value: bytes } });
}

async function* frames(...items: PushFileStreamRequest[]): AsyncIterable<PushFileStreamRequest> {
  yield* items;
}

function chunked(content: Uint8Array, size: number): PushFileStreamRequest[] {
  const out: PushFileStreamRequest[] = [];
  for (let offset = 0; offset < content.byteLength; offset += size) out.push(data(content.subarray(offset, offset + size)));
  return out;
}

describe('PushFile and PullFile', () => {
  it('round-trips a file with its mode, size, checksum and modification time', async () => {
    const content = Buffer.from('listen = ":8443"\n');
    const pushed = await client.pushFile({ service: 'shop', path: 'config/app.toml', content, mode: 0o640 });
    expect(pushed).toMatchObject({ path: 'config/app.toml', sizeBytes: BigInt(content.byteLength), sha256: sha256(content) });
    const pulled = await client.pullFile({ service: 'shop', path: 'config/app.toml' });
    expect(Buffer.from(pulled.content)).toEqual(content);
    expect(pulled).toMatchObject({ mode: 0o640, sizeBytes: BigInt(content.byteLength), sha256: sha256(content) });
    const onDisk = await stat(join(root, 'shop/config/app.toml'), { bigint: true });
    expect(pulled.modifiedAt).toMatchObject({ seconds: onDisk.mtimeNs / 1_000_000_000n, nanos: Number(onDisk.mtimeNs % 1_000_000_000n) });
  });

  it('accepts a file for a service the registry does not know, creating its directory', async () => {
    expect(temp.registry.findService('newcomer')).toBeUndefined();
    await client.pushFile({ service: 'newcomer', path: 'app.toml', content: Buffer.from('x') });
    expect(await readFile(join(root, 'newcomer/app.toml'), 'utf8')).toBe('x');
  });

  it('keeps the mode of a replaced file when the push gives none, and gives a new one 0644', async () => {
    await client.pushFile({ service: 'shop', path: 'secret', content: Buffer.from('a'), mode: 0o600 });
    await client.pushFile({ service: 'shop', path: 'secret', content: Buffer.from('b') });
    await client.pushFile({ service: 'shop', path: 'plain', content: Buffer.from('c') });
    expect((await stat(join(root, 'shop/secret'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'shop/plain'))).mode & 0o777).toBe(0o644);
  });

  it.each(['../escape', '/etc/passwd', 'a/../../escape', '%2e%2e/escape', '..\\escape', 'a\u0000b'])(
    'refuses the path %j with InvalidArgument, writing nothing',
    async (path) => {
      await mkdir(join(root, 'shop'));
      const push = await codeOf(client.pushFile({ service: 'shop', path, content: Buffer.from('x') }));
      const pull = await codeOf(client.pullFile({ service: 'shop', path }));
      expect([push.code, pull.code]).toEqual([Code.InvalidArgument, Code.InvalidArgument]);
      expect(push.message).toContain('path');
      expect(await readdir(root)).toEqual(['shop']);
      expect(await readdir(join(root, 'shop'))).toEqual([]);
    },
  );

  it('refuses a service name that is not one', async () => {
    const { code, message } = await codeOf(client.pushFile({ service: '../etc', path: 'x', content: Buffer.from('x') }));
    expect(code).toBe(Code.InvalidArgument);
    expect(message).toContain('service');
  });

  it('answers NotFound for a file that does not exist', async () => {
    await client.pushFile({ service: 'shop', path: 'a', content: Buffer.from('x') });
    expect((await codeOf(client.pullFile({ service: 'shop', path: 'missing.toml' }))).code).toBe(Code.NotFound);
  });

  it('refuses a unary push over 1 MiB with ResourceExhausted, pointing to PushFileStream', async () => {
    const content = randomBytes(UNARY_FILE_LIMIT_BYTES + 1);
    const { code, message } = await codeOf(client.pushFile({ service: 'shop', path: 'big.bin', content }));
    expect(code).toBe(Code.ResourceExhausted);
    expect(message).toContain(String(UNARY_FILE_LIMIT_BYTES));
    expect(message).toContain('PushFileStream');
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses a unary pull of a file over 1 MiB, pointing to PullFileStream', async () => {
    const content = randomBytes(UNARY_FILE_LIMIT_BYTES + 1);
    await client.pushFileStream(frames(header({ service: 'shop', path: 'big.bin', sizeBytes: content.byteLength }), ...chunked(content, 65536)));
    const { code, message } = await codeOf(client.pullFile({ service: 'shop', path: 'big.bin' }));
    expect(code).toBe(Code.ResourceExhausted);
    expect(message).toContain('PullFileStream');
  });

  it("refuses a file over the agent's limit with ResourceExhausted naming that limit", async () => {
    const content = randomBytes(MAX_FILE_BYTES + 1);
    const { code, message } = await codeOf(client.pushFile({ service: 'shop', path: 'huge.bin', content }));
    expect(code).toBe(Code.ResourceExhausted);
    expect(message).toContain(String(MAX_FILE_BYTES));
  });
});

describe('PushFileStream and PullFileStream', () => {
  it('round-trips a file larger than a unary message, pulled as a header and then 64 KiB frames', async () => {
    const content = randomBytes(UNARY_FILE_LIMIT_BYTES + 300_000);
    const pushed = await client.pushFileStream(
      frames(header({ service: 'shop', path: 'data/blob.bin', sizeBytes: content.byteLength, sha256: sha256(content), mode: 0o600 }), ...chunked(content, MAX_PUSH_FRAME_BYTES)),
    );
    expect(pushed).toMatchObject({ path: 'data/blob.bin', sizeBytes: BigInt(content.byteLength), sha256: sha256(content) });
    const received = [];
    for await (const frame of client.pullFileStream({ service: 'shop', path: 'data/blob.bin' })) received.push(frame.frame);
    const [first, ...rest] = received;
    expect(first?.case).toBe('header');
    expect(first?.case === 'header' && first.value).toMatchObject({ sizeBytes: BigInt(content.byteLength), sha256: sha256(content), mode: 0o600 });
    const chunks = rest.map((frame) => (frame.case === 'data' ? frame.value : new Uint8Array()));
    expect(rest.every((frame) => frame.case === 'data' && frame.value.byteLength <= PULL_FRAME_BYTES)).toBe(true);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
  });

  it('refuses a stream whose first frame is not a header', async () => {
    const { code, message } = await codeOf(client.pushFileStream(frames(data(Buffer.from('x')))));
    expect(code).toBe(Code.InvalidArgument);
    expect(message).toContain('header');
  });

  it('refuses an empty stream', async () => {
    expect((await codeOf(client.pushFileStream(frames()))).code).toBe(Code.InvalidArgument);
  });

  it('refuses a second header, leaving the old file as it was', async () => {
    await mkdir(join(root, 'shop'));
    await writeFile(join(root, 'shop/app.toml'), 'old');
    const second = header({ service: 'shop', path: 'app.toml', sizeBytes: 1 });
    const { code } = await codeOf(client.pushFileStream(frames(header({ service: 'shop', path: 'app.toml', sizeBytes: 2 }), data(Buffer.from('n')), second)));
    expect(code).toBe(Code.InvalidArgument);
    expect(await readFile(join(root, 'shop/app.toml'), 'utf8')).toBe('old');
    expect(await readdir(join(root, 'shop'))).toEqual(['app.toml']);
  });

  it('refuses data that does not add up to the declared size or checksum, writing nothing', async () => {
    const short = await codeOf(client.pushFileStream(frames(header({ service: 'shop', path: 'a', sizeBytes: 5 }), data(Buffer.from('abc')))));
    const wrongSum = await codeOf(
      client.pushFileStream(frames(header({ service: 'shop', path: 'a', sizeBytes: 3, sha256: sha256(Buffer.from('xyz')) }), data(Buffer.from('abc')))),
    );
    expect([short.code, wrongSum.code]).toEqual([Code.InvalidArgument, Code.InvalidArgument]);
    expect(await readdir(root)).toEqual([]);
  });

  it("refuses a stream declaring more than the agent's limit before reading its data", async () => {
    const { code, message } = await codeOf(
      client.pushFileStream(frames(header({ service: 'shop', path: 'huge.bin', sizeBytes: MAX_FILE_BYTES + 1 }), data(Buffer.from('x')))),
    );
    expect(code).toBe(Code.ResourceExhausted);
    expect(message).toContain(String(MAX_FILE_BYTES));
  });

  it('refuses traversal in a stream header', async () => {
    const { code } = await codeOf(client.pushFileStream(frames(header({ service: 'shop', path: '../x', sizeBytes: 1 }), data(Buffer.from('x')))));
    expect(code).toBe(Code.InvalidArgument);
    expect(await readdir(root)).toEqual([]);
  });

  it('answers NotFound when pulling a file that does not exist', async () => {
    const pull = async (): Promise<void> => {
      for await (const frame of client.pullFileStream({ service: 'shop', path: 'nope' })) expect(frame).toBeUndefined();
    };
    expect((await codeOf(pull())).code).toBe(Code.NotFound);
  });
});
