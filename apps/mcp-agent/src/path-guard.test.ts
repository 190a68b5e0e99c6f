// What the path guard accepts and where it places it; hostile inputs are in service-files.payloads.test.ts.
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.js';
import type { InvalidPathError } from './errors.js';
import { checkRelativePath, checkServiceName, guardServicePath } from './path-guard.js';
import { SERVICE, createFilesFixture, type FilesFixture } from './service-files.fixture.js';

describe('checkServiceName', () => {
  it.each(['a', 'web', 'web-2', 'a1-b2', `a${'b'.repeat(62)}`])('accepts %s', (name) => {
    expect(() => checkServiceName(name)).not.toThrow();
  });

  it.each(['', 'Web', '2web', '-web', `a${'b'.repeat(63)}`, 'we_b', 'we.b', 'web ', 42])(
    'refuses %j, naming the service field',
    (name) => {
      expect(() => checkServiceName(name)).toThrow(
        expect.objectContaining({ field: 'service', expected: expect.stringContaining('lower-case') }),
      );
    },
  );
});

describe('checkRelativePath', () => {
  it('splits a nested path into its segments', () => {
    expect(checkRelativePath('conf/app/app.toml')).toEqual(['conf', 'app', 'app.toml']);
  });

  it.each(['.env', '...', 'a..b', '100%.txt', 'a%20b', '%zz', 'caf\u00e9.toml', '\u65e5\u672c.txt', '-rf', 'C:x', 'x'.repeat(255)])(
    'takes %j literally as an ordinary name',
    (name) => {
      expect(checkRelativePath(name)).toEqual([name]);
    },
  );

  it('accepts a path of exactly 4096 bytes', () => {
    const path = Array.from({ length: 17 }, () => 'a'.repeat(240)).join('/');
    expect(Buffer.byteLength(path)).toBe(4096);
    expect(checkRelativePath(path)).toHaveLength(17);
  });

  it('refuses a value that is not a string', () => {
    expect(() => checkRelativePath(['a'])).toThrow(expect.objectContaining({ field: 'path', problem: 'is not a string' }));
  });

  it('writes a message that names the field, the value, the service and what was expected', () => {
    expect(() => checkRelativePath('../x', 'web')).toThrow(
      'path "../x" for service "web" contains a ".." segment; expected a relative path',
    );
  });

  it('escapes control characters and shortens long values in its message', () => {
    const error = (() => {
      try {
        checkRelativePath(`a\n${'z'.repeat(300)}`);
      } catch (thrown) {
        return thrown as InvalidPathError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.message).toContain('"a\\nzzz');
    expect(error.message).toContain('…"');
    expect(error.message.length).toBeLessThan(300);
    expect(error.value).toBe(`a\n${'z'.repeat(300)}`);
  });
});

describe('guardServicePath', () => {
  let fixture: FilesFixture;
  beforeEach(async () => {
    fixture = await createFilesFixture();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });
  const guard = (path: string, service = SERVICE) => guardServicePath({ root: fixture.root, service, path });

  it('places an existing file inside the service directory', async () => {
    await expect(guard('sub/a.txt')).resolves.toEqual({
      serviceDir: fixture.serviceDir,
      serviceDirExists: true,
      target: join(fixture.serviceDir, 'sub', 'a.txt'),
      targetExists: true,
      missingDirs: [],
    });
  });

  it('follows a symlinked file that stays inside to its target', async () => {
    const guarded = await guard('link-in');
    expect(guarded.target).toBe(join(fixture.serviceDir, 'config.toml'));
  });

  it('follows a symlinked directory that stays inside', async () => {
    const guarded = await guard('dir-in/a.txt');
    expect(guarded.target).toBe(join(fixture.serviceDir, 'sub', 'a.txt'));
  });

  it('follows a parent symlink back up to the service directory', async () => {
    const guarded = await guard('sub/up-link/config.toml');
    expect(guarded.target).toBe(join(fixture.serviceDir, 'config.toml'));
  });

  it('lists the directories a write would have to create, outermost first', async () => {
    const guarded = await guard('dir-in/new/deeper/file.txt');
    expect(guarded).toMatchObject({
      targetExists: false,
      target: join(fixture.serviceDir, 'sub', 'new', 'deeper', 'file.txt'),
      missingDirs: [join(fixture.serviceDir, 'sub', 'new'), join(fixture.serviceDir, 'sub', 'new', 'deeper')],
    });
  });

  it('reports a missing service directory as the first directory to create', async () => {
    const guarded = await guard('conf/app.toml', 'api');
    expect(guarded).toMatchObject({
      serviceDirExists: false,
      targetExists: false,
      missingDirs: [join(fixture.root, 'api'), join(fixture.root, 'api', 'conf')],
    });
  });

  it('resolves a symlinked root once and places files under its real directory', async () => {
    const linkedRoot = join(fixture.base, 'srv-link');
    await symlink('srv', linkedRoot);
    const guarded = await guardServicePath({ root: linkedRoot, service: SERVICE, path: 'config.toml' });
    expect(guarded.target).toBe(join(fixture.serviceDir, 'config.toml'));
  });

  it('reports a missing root as not found', async () => {
    const root = join(fixture.base, 'no-such-root');
    await expect(guardServicePath({ root, service: SERVICE, path: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a service directory that is a symlink even when it points inside the root', async () => {
    await symlink(SERVICE, join(fixture.root, 'alias'));
    await expect(guard('config.toml', 'alias')).rejects.toMatchObject({ field: 'service', problem: expect.stringContaining('symlink') });
  });

  it('refuses a path whose parent is a regular file', async () => {
    await expect(guard('config.toml/x')).rejects.toMatchObject({ field: 'path', expected: 'every parent to be a directory' });
  });
});
