// readServiceFile and readServiceFileChunks: what they return, and what they refuse beyond the path rules.
import { appendFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTooLargeError, InvalidPathError, NotFoundError } from './errors.js';
import { SERVICE, createFilesFixture, type FilesFixture } from './service-files.fixture.js';
import { readServiceFile, readServiceFileChunks, type ReadServiceFileOptions } from './service-files.js';

let fixture: FilesFixture;
beforeEach(async () => {
  fixture = await createFilesFixture();
});
afterEach(async () => {
  await fixture.cleanup();
});

const options = (path: string, extra: Partial<ReadServiceFileOptions> = {}): ReadServiceFileOptions => ({
  root: fixture.root,
  service: SERVICE,
  path,
  maxBytes: 1024,
  ...extra,
});
const text = async (path: string, extra: Partial<ReadServiceFileOptions> = {}) =>
  Buffer.from(await readServiceFile(options(path, extra))).toString('utf8');

describe('readServiceFile', () => {
  it('returns the bytes of a file', async () => {
    expect(await text('sub/a.txt')).toBe('inside\n');
  });

  it('reads through a symlink that stays inside', async () => {
    expect(await text('link-in')).toBe('name = "web"\n');
  });

  it('returns an empty file as no bytes', async () => {
    await writeFile(join(fixture.serviceDir, 'empty'), '');
    expect(await readServiceFile(options('empty'))).toHaveLength(0);
  });

  it('reports a missing file as not found, naming the path and service', async () => {
    await expect(text('nope.toml')).rejects.toThrow(new NotFoundError({ resource: 'file', name: 'nope.toml', where: 'service "web"' }));
  });

  it('reports a file under a missing directory as not found', async () => {
    await expect(text('nope/deeper.toml')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports a missing service directory as not found and creates nothing', async () => {
    await expect(readServiceFile(options('config.toml', { service: 'api' }))).rejects.toMatchObject({
      kind: 'not-found',
      resource: 'service directory',
    });
    expect(await readdir(fixture.root)).not.toContain('api');
  });

  it('refuses a file with a second hard link, which may sit outside', async () => {
    await expect(text('hardlink-out')).rejects.toMatchObject({ field: 'path', problem: 'names a file with 2 hard links' });
  });

  it('accepts a file of exactly the size limit', async () => {
    expect(await text('sub/a.txt', { maxBytes: 7 })).toBe('inside\n');
  });

  it('refuses a file over the size limit, naming its size and the limit', async () => {
    const error = await text('sub/a.txt', { maxBytes: 6 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect((error as Error).message).toBe(
      'file "sub/a.txt" of service "web" is 7 bytes; expected at most 6 bytes (the agent\'s file size limit)',
    );
  });

  it('refuses a maxBytes that is not a count', async () => {
    await expect(text('sub/a.txt', { maxBytes: -5 })).rejects.toMatchObject({ field: 'maxBytes' });
  });
});

describe('readServiceFileChunks', () => {
  it('yields the file in chunks of the requested size', async () => {
    await writeFile(join(fixture.serviceDir, 'ten.txt'), '0123456789');
    const chunks: string[] = [];
    for await (const chunk of readServiceFileChunks(options('ten.txt', { chunkBytes: 4 }))) {
      chunks.push(Buffer.from(chunk).toString('utf8'));
    }
    expect(chunks).toEqual(['0123', '4567', '89']);
  });

  it('refuses before yielding anything when the path is refused', async () => {
    const iterator = readServiceFileChunks(options('../outside/canary.txt'));
    await expect(iterator.next()).rejects.toBeInstanceOf(InvalidPathError);
  });

  it('stops with too-large when the file grows past the limit while being read', async () => {
    const path = join(fixture.serviceDir, 'growing.log');
    await writeFile(path, 'a'.repeat(8));
    const chunks: number[] = [];
    const reading = (async () => {
      for await (const chunk of readServiceFileChunks(options('growing.log', { maxBytes: 10, chunkBytes: 4 }))) {
        chunks.push(chunk.byteLength);
        if (chunks.length === 1) await appendFile(path, 'b'.repeat(8));
      }
    })();
    await expect(reading).rejects.toMatchObject({ kind: 'too-large', sizeBytes: 11 });
    expect(chunks).toEqual([4, 4]);
  });

  it('refuses a chunk size of zero', async () => {
    await expect(readServiceFileChunks(options('sub/a.txt', { chunkBytes: 0 })).next()).rejects.toMatchObject({
      field: 'chunkBytes',
    });
  });
});
