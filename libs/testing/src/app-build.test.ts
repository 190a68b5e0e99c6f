import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appBinPath, ensureAppBuilt, workspaceRoot } from './app-build.js';

async function newestTsMs(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('node_modules'));
  const times = await Promise.all(files.map(async (entry) => (await stat(join(entry.parentPath, entry.name))).mtimeMs));
  return Math.max(0, ...times);
}

describe('ensureAppBuilt', () => {
  it('leaves a bundle newer than every source of the app and of the libs, and returns its program', async () => {
    const bin = await ensureAppBuilt('mcp');
    const bundleMs = (await stat(join(workspaceRoot, 'apps/mcp/dist/main.js'))).mtimeMs;
    const sourceMs = Math.max(await newestTsMs(join(workspaceRoot, 'apps/mcp/src')), await newestTsMs(join(workspaceRoot, 'libs')));
    expect(bin).toBe(appBinPath('mcp'));
    expect(bundleMs).toBeGreaterThan(sourceMs);
  }, 60_000);
});

describe('appBinPath', () => {
  it('names the program under apps/<app>/bin', () => {
    expect(appBinPath('mcp-master')).toBe(join(workspaceRoot, 'apps/mcp-master/bin/mcp-master.js'));
  });
});
