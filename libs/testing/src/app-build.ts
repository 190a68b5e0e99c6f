// Builds MCP's programs for tests and benchmarks that run them as an operator would: a bundle is rebuilt first when
// it is missing or older than a source it is made from.
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from './file-lock.js';

export type McpApp = 'mcp' | 'mcp-agent' | 'mcp-master';

/** The workspace root (this lib lives in `<root>/libs/testing/src`). */
export const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** `apps/<app>/bin/<app>.js`, the program an operator runs (it loads `dist/main.js`). */
export function appBinPath(app: McpApp): string {
  return join(workspaceRoot, 'apps', app, 'bin', `${app}.js`);
}

async function newestSourceMs(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const times = await Promise.all(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('node_modules'))
      .map(async (entry) => (await stat(join(entry.parentPath, entry.name))).mtimeMs),
  );
  return Math.max(0, ...times);
}

function buildApp(app: McpApp): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['scripts/build-app.mjs', `apps/${app}`], { cwd: workspaceRoot }, (error, _stdout, stderr) =>
      error === null ? resolve() : reject(new Error(`building apps/${app} failed:\n${stderr}`, { cause: error })),
    );
  });
}

/**
 * Rebuilds `apps/<app>/dist/main.js` when it is missing or older than a source under `apps/<app>/src` or `libs/`;
 * returns the program's path. The lock (`apps/<app>/.build.lock`) is the one e2e takes, so no two builders race.
 */
export async function ensureAppBuilt(app: McpApp): Promise<string> {
  const appDir = join(workspaceRoot, 'apps', app);
  await withFileLock(join(appDir, '.build.lock'), async () => {
    const bundleMs = await stat(join(appDir, 'dist/main.js')).then((info) => info.mtimeMs, () => 0);
    const sourceMs = Math.max(await newestSourceMs(join(appDir, 'src')), await newestSourceMs(join(workspaceRoot, 'libs')));
    if (bundleMs <= sourceMs) await buildApp(app);
  });
  return appBinPath(app);
}
