import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openTempRegistry, sampleComponent, sampleRoute, sampleService } from './testing.js';
import type { TempRegistry } from './testing.js';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const child = fileURLToPath(new URL('./registry-child.fixture.ts', import.meta.url));
const childArgs = (mode: string, path: string) => ['--import', tsx, child, mode, path];

function integrity(path: string): unknown {
  const sqlite = new Database(path, { readonly: true });
  try {
    return sqlite.pragma('integrity_check', { simple: true });
  } finally {
    sqlite.close();
  }
}

describe('registry writes', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('leave the previous service untouched when an upsert throws halfway', () => {
    let probeFails = false;
    temp = openTempRegistry({
      isPortFree: () => {
        if (probeFails) throw new Error('probe exploded');
        return true;
      },
    });
    const before = temp.registry.upsertService(sampleService({ comment: 'old' }));
    probeFails = true;
    const next = sampleService({
      comment: 'new',
      components: [
        sampleComponent({
          image: 'registry.example/app:2.0.0',
          routes: [sampleRoute(), sampleRoute({ name: 'admin' })],
        }),
        sampleComponent({ name: 'worker', routes: [] }),
      ],
    });
    expect(() => temp?.registry.upsertService(next)).toThrow('probe exploded');
    expect(temp.registry.getService('app')).toEqual(before);
  });

  const slow = { timeout: 30_000 };

  it('leave the previous service untouched when the process is killed -9 in mid-upsert', slow, () => {
    temp = openTempRegistry();
    const before = temp.registry.upsertService(sampleService({ comment: 'old' }));
    temp.registry.close();

    const result = spawnSync(process.execPath, childArgs('kill-mid-upsert', temp.path), {
      encoding: 'utf8',
    });
    expect(result.stderr).not.toContain('still alive');
    expect(result.signal).toBe('SIGKILL');

    expect(integrity(temp.path)).toBe('ok');
    expect(temp.open().getService('app')).toEqual(before);
  });

  it('let several processes open a new file at once, each migration applied once', slow, async () => {
    temp = openTempRegistry();
    const fresh = `${temp.dir}/shared.db`;
    const runs = await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
            const process_ = spawn(process.execPath, childArgs('open', fresh));
            let stdout = '';
            let stderr = '';
            process_.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
            process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
            process_.on('close', (code) => resolve({ code, stdout, stderr }));
          }),
      ),
    );
    expect(runs.map((run) => [run.code, run.stderr])).toEqual(runs.map(() => [0, '']));
    const applied = runs.flatMap((run) => (JSON.parse(run.stdout) as { applied: number[] }).applied);
    expect(applied.sort()).toEqual([1, 2, 3, 4]);
    expect(temp.open({ path: fresh }).migration).toEqual({ applied: [], version: 4 });
  });
});
