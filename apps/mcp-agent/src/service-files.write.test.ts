// writeServiceFile: atomic replacement, modes and owners, created directories, the size limit.
import { chmod, chown, lstat, mkdir, readFile, readdir, readlink, rename, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTooLargeError, InvalidArgumentError } from './errors.js';
import { SERVICE, createFilesFixture, snapshotTree, type FilesFixture } from './service-files.fixture.js';
import { TEMP_FILE_PREFIX, writeServiceFile, type WriteServiceFileOptions } from './service-files.js';

let fixture: FilesFixture;
beforeEach(async () => {
  fixture = await createFilesFixture();
});
afterEach(async () => {
  await fixture.cleanup();
});

type Extra = Partial<Pick<WriteServiceFileOptions, 'mode' | 'maxBytes' | 'service'>>;
const write = (path: string, text: string, extra: Extra = {}) =>
  writeServiceFile({ root: fixture.root, service: SERVICE, path, data: Buffer.from(text), maxBytes: 1024, ...extra });
const inService = (...parts: string[]) => join(fixture.serviceDir, ...parts);
const tempFilesIn = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith(TEMP_FILE_PREFIX));

describe('writeServiceFile', () => {
  it('creates a new file with its content and reports it as created', async () => {
    const written = await write('app.toml', 'port = 8080\n');
    expect(written).toEqual({ target: inService('app.toml'), sizeBytes: 12, mode: 0o644, created: true });
    expect(await readFile(inService('app.toml'), 'utf8')).toBe('port = 8080\n');
  });

  it('replaces an existing file and leaves no temp file behind', async () => {
    const written = await write('config.toml', 'name = "web2"\n');
    expect(written.created).toBe(false);
    expect(await readFile(inService('config.toml'), 'utf8')).toBe('name = "web2"\n');
    expect(await tempFilesIn(fixture.serviceDir)).toEqual([]);
  });

  it('gives the file exactly the requested mode, whatever the umask', async () => {
    await write('shared.txt', 'x', { mode: 0o666 });
    expect((await stat(inService('shared.txt'))).mode & 0o7777).toBe(0o666);
  });

  it('keeps the mode of the file it replaces when none is requested', async () => {
    await chmod(inService('config.toml'), 0o640);
    await write('config.toml', 'x');
    expect((await stat(inService('config.toml'))).mode & 0o7777).toBe(0o640);
  });

  it('keeps the owner of the file it replaces', async () => {
    await chown(inService('config.toml'), 1234, 2345);
    await write('config.toml', 'x');
    expect(await stat(inService('config.toml'))).toMatchObject({ uid: 1234, gid: 2345 });
  });

  it('gives a new file the owner of its directory', async () => {
    await chown(inService('sub'), 4321, 5432);
    await write('sub/new.txt', 'x');
    expect(await stat(inService('sub', 'new.txt'))).toMatchObject({ uid: 4321, gid: 5432 });
  });

  it('creates missing parent directories with mode 0755 and their parent owner', async () => {
    await chown(fixture.serviceDir, 1000, 1000);
    await write('data/conf/app.toml', 'x');
    for (const dir of [inService('data'), inService('data', 'conf')]) {
      expect(await stat(dir)).toMatchObject({ uid: 1000, gid: 1000 });
      expect((await stat(dir)).mode & 0o7777).toBe(0o755);
    }
  });

  it('creates the service directory on its first file', async () => {
    await write('config.toml', 'x', { service: 'api' });
    expect(await readFile(join(fixture.root, 'api', 'config.toml'), 'utf8')).toBe('x');
    expect((await lstat(join(fixture.root, 'api'))).isDirectory()).toBe(true);
  });

  it('writes through a symlink that stays inside and keeps the link', async () => {
    const written = await write('link-in', 'through the link\n');
    expect(written.target).toBe(inService('config.toml'));
    expect(await readlink(inService('link-in'))).toBe('config.toml');
    expect(await readFile(inService('config.toml'), 'utf8')).toBe('through the link\n');
  });

  it('replaces a hard link inside without touching the file it shared an inode with', async () => {
    await write('hardlink-out', 'replaced\n');
    expect(await readFile(inService('hardlink-out'), 'utf8')).toBe('replaced\n');
    expect(await readFile(fixture.canary, 'utf8')).toMatch(/^canary/);
  });

  it.each([0o4755, 0o2755, 0o1777, -1, 1.5, 0o10000])('refuses mode %o, naming the mode field', async (mode) => {
    await expect(write('x.txt', 'x', { mode })).rejects.toMatchObject({ field: 'mode', kind: 'invalid-argument' });
  });

  it('refuses a request with both data and chunks', async () => {
    const opts = { root: fixture.root, service: SERVICE, path: 'x', data: Buffer.from('a'), chunks: [Buffer.from('b')], maxBytes: 9 };
    await expect(writeServiceFile(opts as unknown as WriteServiceFileOptions)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it.each([-1, 1.5, Number.NaN])('refuses a maxBytes of %s', async (maxBytes) => {
    await expect(write('x.txt', 'x', { maxBytes })).rejects.toMatchObject({ field: 'maxBytes' });
  });

  it('accepts a file of exactly the size limit', async () => {
    await expect(write('limit.bin', 'x'.repeat(16), { maxBytes: 16 })).resolves.toMatchObject({ sizeBytes: 16 });
  });

  it('refuses data over the size limit, naming the limit, before creating anything', async () => {
    const error = await write('new/dir/big.bin', 'x'.repeat(17), { maxBytes: 16 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(error).toMatchObject({ limitBytes: 16, message: expect.stringContaining('at most 16 bytes') });
    expect(await readdir(fixture.serviceDir)).not.toContain('new');
  });
});

describe('writeServiceFile from chunks', () => {
  const chunksWrite = (path: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes = 1024) =>
    writeServiceFile({ root: fixture.root, service: SERVICE, path, chunks, maxBytes });

  it('joins the chunks in order', async () => {
    const written = await chunksWrite('joined.txt', [Buffer.from('one '), Buffer.from('two '), Buffer.from('three')]);
    expect(written.sizeBytes).toBe(13);
    expect(await readFile(inService('joined.txt'), 'utf8')).toBe('one two three');
  });

  it('keeps the old file and streams into a private temp file beside it until the end', async () => {
    const seen: { old: string; temps: string[]; tempMode: number }[] = [];
    async function* chunks() {
      yield Buffer.from('new ');
      const temps = await tempFilesIn(fixture.serviceDir);
      const tempMode = (await stat(inService(temps[0] ?? 'missing'))).mode & 0o777;
      seen.push({ old: await readFile(inService('config.toml'), 'utf8'), temps, tempMode });
      yield Buffer.from('content');
    }
    await chunksWrite('config.toml', chunks());
    expect(seen).toEqual([{ old: 'name = "web"\n', temps: [expect.stringMatching(/^\.mcp-push-[0-9a-f]{16}\.tmp$/)], tempMode: 0o600 }]);
    expect(await readFile(inService('config.toml'), 'utf8')).toBe('new content');
  });

  it('leaves the old file intact and no temp file when the limit is crossed mid-stream', async () => {
    async function* chunks() {
      for (let i = 0; i < 10; i += 1) yield Buffer.alloc(100, 0x61);
    }
    await expect(chunksWrite('config.toml', chunks(), 350)).rejects.toMatchObject({ kind: 'too-large', limitBytes: 350 });
    expect(await readFile(inService('config.toml'), 'utf8')).toBe('name = "web"\n');
    expect(await tempFilesIn(fixture.serviceDir)).toEqual([]);
  });

  it('leaves the old file intact and no temp file when the source fails mid-stream', async () => {
    async function* chunks() {
      yield Buffer.from('partial');
      throw new Error('client went away');
    }
    await expect(chunksWrite('config.toml', chunks())).rejects.toThrow('client went away');
    expect(await readFile(inService('config.toml'), 'utf8')).toBe('name = "web"\n');
    expect(await tempFilesIn(fixture.serviceDir)).toEqual([]);
  });

  it('refuses to finish when its directory is swapped for a symlink to outside mid-stream', async () => {
    const outsideBefore = await snapshotTree(fixture.outside);
    async function* chunks() {
      yield Buffer.from('first half ');
      await rename(inService('sub'), inService('sub-moved'));
      await symlink(fixture.outside, inService('sub'));
      yield Buffer.from('second half');
    }
    await expect(chunksWrite('sub/a.txt', chunks())).rejects.toMatchObject({
      field: 'path',
      problem: expect.stringContaining('changed on disk while being used'),
    });
    expect(await snapshotTree(fixture.outside)).toEqual(outsideBefore);
    expect(await readFile(inService('sub-moved', 'a.txt'), 'utf8')).toBe('inside\n');
  });

  it('removes the directories it created when the write fails', async () => {
    await expect(chunksWrite('fresh/deeper/big.bin', [Buffer.alloc(20)], 10)).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await readdir(fixture.serviceDir)).not.toContain('fresh');
  });

  it('keeps an empty directory it did not create when the write fails', async () => {
    await mkdir(inService('kept'));
    await expect(chunksWrite('kept/big.bin', [Buffer.alloc(20)], 10)).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await readdir(inService('kept'))).toEqual([]);
  });
});
