import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceDefError } from './errors.js';
import { loadDefinitionDir, loadDefinitionFile, resolveDefinitionPath } from './load.js';

const valid = (name: string): string => `name = "${name}"\n[[components]]\nname = "web"\nimage = "a:1"\n`;
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servicedef-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadDefinitionFile', () => {
  it('parses a file and names it as given', async () => {
    await writeFile(join(dir, 'svc.toml'), valid('svc'));
    const result = await loadDefinitionFile(join(dir, 'svc.toml'));
    expect(result.ok && [result.file, result.definition.name]).toStrictEqual([join(dir, 'svc.toml'), 'svc']);
  });

  it('turns an unreadable file into a problem', async () => {
    const result = await loadDefinitionFile(join(dir, 'absent.toml'));
    expect(result.ok ? undefined : result.problems[0]).toMatchObject({ keyPath: '', expected: 'a readable service definition file' });
  });
});

describe('loadDefinitionDir', () => {
  it('loads every .toml file in name order, valid or not', async () => {
    await writeFile(join(dir, 'b.toml'), valid('b'));
    await writeFile(join(dir, 'a.toml'), valid('wrong'));
    await writeFile(join(dir, 'c.toml'), valid('c'));
    const results = await loadDefinitionDir(dir);
    expect(results.map((result) => [result.file, result.ok])).toStrictEqual([[join(dir, 'a.toml'), false], [join(dir, 'b.toml'), true], [join(dir, 'c.toml'), true]]);
  });

  it('skips other files, hidden files and directories named .toml', async () => {
    await writeFile(join(dir, 'svc.toml'), valid('svc'));
    await writeFile(join(dir, 'notes.txt'), 'x');
    await writeFile(join(dir, '.svc.toml.swp.toml'), 'x');
    await mkdir(join(dir, 'old.toml'));
    expect((await loadDefinitionDir(dir)).map((result) => result.file)).toStrictEqual([join(dir, 'svc.toml')]);
  });

  it('reports a dangling symlink as an unreadable file', async () => {
    await symlink(join(dir, 'nowhere.toml'), join(dir, 'gone.toml'));
    const [result] = await loadDefinitionDir(dir);
    expect(result?.ok).toBe(false);
  });

  it('throws a ServiceDefError for a missing directory', async () => {
    await expect(loadDefinitionDir(join(dir, 'absent'))).rejects.toThrow(ServiceDefError);
  });
});

describe('resolveDefinitionPath', () => {
  it('maps a bare service name into the services directory', () => {
    expect(resolveDefinitionPath('/home/op/services', 'hello')).toBe('/home/op/services/hello.toml');
  });

  it('keeps a path with a slash as it is', () => {
    expect(resolveDefinitionPath('/home/op/services', './hello')).toBe('./hello');
  });

  it('keeps a file name ending in .toml as it is', () => {
    expect(resolveDefinitionPath('/home/op/services', 'hello.toml')).toBe('hello.toml');
  });
});
