// Temporary directories for tests, each unique, removed by the test that made them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

export async function createTempDir(prefix = 'mcp-test'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Call at the top of a describe (or file): returns a maker of temporary directories that are all removed
 * after each test, pass or fail.
 */
export function useTempDirs(prefix = 'mcp-test'): () => Promise<string> {
  const made: TempDir[] = [];
  afterEach(async () => {
    const dirs = made.splice(0);
    await Promise.all(dirs.map((dir) => dir.remove()));
  });
  return async () => {
    const dir = await createTempDir(prefix);
    made.push(dir);
    return dir.path;
  };
}
