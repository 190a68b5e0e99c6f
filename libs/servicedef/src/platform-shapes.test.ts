// The platform's real definition shapes (examples/platform-shapes): a source dir beside the workspace, node with
// tier, a unikernel with a volume. They are valid; node with tier is a warning, not a problem.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDefinitionFile } from './load.js';

const shapes = fileURLToPath(new URL('../../../examples/platform-shapes/', import.meta.url));

describe('examples/platform-shapes', () => {
  it('accepts a path that climbs out of the workspace, and node with tier with a warning that node wins', async () => {
    const result = await loadDefinitionFile(`${shapes}mcq.toml`);
    expect(result).toMatchObject({ ok: true, definition: { path: '../mcq', node: 'worker', tier: 'core' } });
    expect(result.ok ? result.warnings?.map((warning) => warning.message) : []).toEqual([
      `${shapes}mcq.toml: tier: set together with node; node wins: the service is pinned to node worker and tier = "core" is ignored (line 7)`,
    ]);
  });

  it('accepts a unikernel component with a volume shared with the guest', async () => {
    const result = await loadDefinitionFile(`${shapes}vmdata.toml`);
    expect(result).toMatchObject({ ok: true, definition: { components: [{ runtime: 'unikernel', volumes: ['/srv/vmdata:/www/data:ro'] }] } });
    expect(result.ok && result.warnings).toBeUndefined();
  });
});
