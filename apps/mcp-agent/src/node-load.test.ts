import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableCpuMillicores, freeDiskBytes } from './node-load.js';

describe('node load', () => {
  it('counts CPU capacity minus the 1-minute load, never below zero', () => {
    expect(availableCpuMillicores(4, 1.25)).toBe(2750);
    expect(availableCpuMillicores(2, 3.5)).toBe(0);
  });

  it('reports free disk space of the filesystem holding a directory', async () => {
    const free = await freeDiskBytes(await mkdtemp(join(tmpdir(), 'mcp-load-')));
    expect(free).toBeGreaterThan(0);
    expect(Number.isInteger(free)).toBe(true);
  });
});
