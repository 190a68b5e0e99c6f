// Temporary directories: unique, and removed after the test that made them.
import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createTempDir, useTempDirs } from './temp-dirs.js';

describe('createTempDir', () => {
  it('makes a fresh directory each time and removes it on request', async () => {
    const first = await createTempDir('mcp-temp');
    const second = await createTempDir('mcp-temp');
    expect(first.path).not.toBe(second.path);
    expect((await stat(first.path)).isDirectory()).toBe(true);
    await first.remove();
    await second.remove();
    await expect(stat(first.path)).rejects.toThrow(/ENOENT/);
  });
});

// The second test checks what the hook did after the first: these two run in order, by design.
describe.sequential('useTempDirs', () => {
  const tempDir = useTempDirs('mcp-temp');
  let madeByFirstTest = '';

  it('hands out directories that exist during the test', async () => {
    madeByFirstTest = await tempDir();
    expect((await stat(madeByFirstTest)).isDirectory()).toBe(true);
  });

  it('removes them after the test that made them', async () => {
    expect(madeByFirstTest).not.toBe('');
    await expect(stat(madeByFirstTest)).rejects.toThrow(/ENOENT/);
  });
});
