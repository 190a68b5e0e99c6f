import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setActiveInFile } from './active-edit.js';
import { ServiceDefError } from './errors.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servicedef-active-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('setActiveInFile', () => {
  it('rewrites the file with the new value and leaves no temporary file', async () => {
    const file = join(dir, 'svc.toml');
    await writeFile(file, "name = 'svc' # mine\n");
    await setActiveInFile(file, false);
    expect([await readFile(file, 'utf8'), await readdir(dir)]).toStrictEqual(["name = 'svc' # mine\nactive = false\n", ['svc.toml']]);
  });

  it('keeps the permissions of the file', async () => {
    const file = join(dir, 'svc.toml');
    await writeFile(file, 'name = "svc"\n');
    await chmod(file, 0o640);
    await setActiveInFile(file, true);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
  });

  it('throws a ServiceDefError naming a missing file', async () => {
    const file = join(dir, 'absent.toml');
    await expect(setActiveInFile(file, true)).rejects.toSatisfy((error: unknown) => error instanceof ServiceDefError && error.file === file);
  });

  it('leaves a file it cannot edit untouched', async () => {
    const file = join(dir, 'svc.toml');
    await writeFile(file, 'tier = "core"\n');
    await expect(setActiveInFile(file, true)).rejects.toThrow(ServiceDefError);
    expect([await readFile(file, 'utf8'), await readdir(dir)]).toStrictEqual(['tier = "core"\n', ['svc.toml']]);
  });
});
