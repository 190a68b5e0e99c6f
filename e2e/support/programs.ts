// Runs MCP's built programs as an operator would, rebuilding a bundle first when any source is newer.
import { withFileLock } from '@mcp/testing';
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

export type App = 'mcp' | 'mcp-agent' | 'mcp-master';

export function binOf(app: App): string {
  return join(repo, 'apps', app, 'bin', `${app}.js`);
}

export interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; a non-zero exit is a result, not an error. */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { cwd: options.cwd ?? repo, env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') return reject(error);
        resolve({ exitCode: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
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

/** Rebuilds `apps/<app>/dist` when it is missing or older than any source it is made from. */
export async function ensureBuilt(app: App): Promise<void> {
  await withFileLock(join(repo, 'apps', app, '.build.lock'), async () => {
    const bundleMs = await stat(join(repo, 'apps', app, 'dist/main.js')).then((info) => info.mtimeMs, () => 0);
    const sourceMs = Math.max(await newestSourceMs(join(repo, 'apps', app, 'src')), await newestSourceMs(join(repo, 'libs')));
    if (bundleMs > sourceMs) return;
    const build = await run(process.execPath, ['scripts/build-app.mjs', `apps/${app}`]);
    if (build.exitCode !== 0) throw new Error(`building apps/${app} failed:\n${build.stderr}`);
  });
}
