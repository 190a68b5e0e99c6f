// buf lint is clean, and its only exceptions are the two naming rules on McpMasterService.Deploy.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProtoTree, repoRoot, run, type ScratchTree } from './scratch-tree.js';

const buf = join(repoRoot, 'node_modules/.bin/buf');

describe('buf lint', () => {
  let tree: ScratchTree | undefined;
  afterEach(() => {
    tree?.remove();
  });

  it('passes on the repository protos', () => {
    const result = run(repoRoot, buf, ['lint']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('excepts only the request and response names of the master Deploy', () => {
    tree = copyProtoTree();
    const dir = join(tree.root, 'proto/mcp/v1');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.proto'))) {
      const path = join(dir, file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^.*buf:lint:ignore.*\n/gm, ''));
    }
    const result = run(tree.root, buf, ['lint', '--error-format', 'json']);
    const violations = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { path: string; type: string; message: string });
    expect(violations.map((v) => [v.path, v.type])).toEqual([
      ['proto/mcp/v1/master.proto', 'RPC_REQUEST_STANDARD_NAME'],
      ['proto/mcp/v1/master.proto', 'RPC_RESPONSE_STANDARD_NAME'],
    ]);
    expect(violations.map((v) => v.message).join('\n')).toContain('MasterDeployResponse');
  });
});
