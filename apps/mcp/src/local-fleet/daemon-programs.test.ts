import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { locateDaemonPrograms } from './daemon-programs.js';

const dirs: string[] = [];
async function checkout(files: readonly string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'mcp-checkout-'));
  dirs.push(root);
  for (const file of files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), '');
  }
  await mkdir(join(root, 'apps/mcp/dist'), { recursive: true });
  return root;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const built = ['apps/mcp-master/bin/mcp-master.js', 'apps/mcp-master/dist/main.js', 'apps/mcp-agent/bin/mcp-agent.js', 'apps/mcp-agent/dist/main.js'];

describe('locateDaemonPrograms', () => {
  it('finds the daemons of the checkout the CLI bundle is in', async () => {
    const root = await checkout(built);
    expect(await locateDaemonPrograms(join(root, 'apps/mcp/dist'))).toEqual({
      master: join(root, 'apps/mcp-master/bin/mcp-master.js'),
      agent: join(root, 'apps/mcp-agent/bin/mcp-agent.js'),
    });
  });

  it('says which daemon is not built and how to build it', async () => {
    const root = await checkout(built.filter((file) => file !== 'apps/mcp-agent/dist/main.js'));
    await expect(locateDaemonPrograms(join(root, 'apps/mcp/dist'))).rejects.toThrow(
      `mcp-agent is not built (no apps/mcp-agent/dist/main.js in ${root}); build it first: cd ${root} && pnpm exec nx run-many -t build`,
    );
  });

  it('says where it looked when no checkout holds the daemons', async () => {
    const root = await checkout([]);
    await expect(locateDaemonPrograms(join(root, 'apps/mcp/dist'))).rejects.toThrow(
      `cannot find mcp-master and mcp-agent next to this mcp (looked for apps/mcp-master/bin/mcp-master.js in ${join(root, 'apps/mcp/dist')} and the directories above it)`,
    );
  });
});
