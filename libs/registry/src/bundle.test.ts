import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';

// The apps ship as one esbuild bundle (scripts/build-app.mjs), so the registry must carry its
// migrations in code. Bundle a tiny program the same way, away from the sources' layout, and run it.
const libRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the registry bundled by esbuild', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a new database and stores a service from the bundle alone', { timeout: 30_000 }, async () => {
    // Under the lib so the external better-sqlite3 resolves, as it does from an app's node_modules.
    const bundleDir = mkdtempSync(join(libRoot, '.bundle-test-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'mcp-registry-bundle-'));
    dirs.push(bundleDir, dataDir);
    const entry = join(bundleDir, 'main.ts');
    writeFileSync(
      entry,
      `import { openRegistry } from '../src/index.ts';
import { sampleService } from '../src/testing.ts';
const registry = openRegistry({
  path: process.argv[2],
  clock: { now: () => new Date(0) },
  isPortFree: () => true,
});
const service = registry.upsertService(sampleService());
const hostPort = service.components[0].routes[0].hostPort;
console.log(JSON.stringify({ migration: registry.migration, hostPort }));
registry.close();
`,
    );
    const outfile = join(bundleDir, 'main.mjs');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3'],
      banner: {
        js: "import { createRequire as __mcpCreateRequire } from 'node:module'; const require = __mcpCreateRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
    rmSync(entry);

    const database = join(dataDir, 'registry.db');
    const run = spawnSync(process.execPath, [outfile, database], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      migration: { applied: [1, 2, 3, 4], version: 4 },
      hostPort: 10000,
    });
  });
});
