// NanoVMs ops is looked for on the search path (it is not obtainable here, so only finding it is tested).
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOps } from './ops-build.js';
import { useTempDirs } from './qemu-harness.js';

describe('findOps', () => {
  const tempDir = useTempDirs('mcp-ops');

  it('finds the first executable ops along the search path', async () => {
    const root = await tempDir();
    for (const dir of ['a', 'b', 'c']) await mkdir(join(root, dir));
    await writeFile(join(root, 'b/ops'), '#!/bin/sh\n');
    await chmod(join(root, 'b/ops'), 0o755);
    await writeFile(join(root, 'c/ops'), '#!/bin/sh\n');
    await chmod(join(root, 'c/ops'), 0o755);
    expect(await findOps([join(root, 'a'), join(root, 'b'), join(root, 'c')].join(':'))).toBe(join(root, 'b/ops'));
  });

  it('passes over an ops that is not executable, and answers undefined when there is none', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'ops'), 'not a program');
    await chmod(join(root, 'ops'), 0o644);
    expect(await findOps(root)).toBeUndefined();
    expect(await findOps(undefined)).toBeUndefined();
    expect(await findOps('')).toBeUndefined();
  });
});
