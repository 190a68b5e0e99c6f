// Proves scripts/generate-proto.sh --check catches stale generated code, and that generation cleans up.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProtoTree, run, type ScratchTree } from './scratch-tree.js';

describe('scripts/generate-proto.sh', () => {
  let tree: ScratchTree;
  beforeEach(() => {
    tree = copyProtoTree();
  });
  afterEach(() => {
    tree.remove();
  });

  const script = (...args: string[]) => run(tree.root, 'bash', ['scripts/generate-proto.sh', ...args]);

  it('passes --check when the committed code matches the protos', () => {
    const result = script('--check');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails --check, asking to run pnpm generate, when a proto changed', () => {
    const file = join(tree.root, 'proto/mcp/v1/service.proto');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('  string path = 8;', '  string path = 8;\n  string extra = 10;'));
    const result = script('--check');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('run `pnpm generate`');
  });

  it('fails --check when a generated file was edited by hand', () => {
    const file = join(tree.root, 'libs/proto/src/gen/mcp/v1/common_pb.ts');
    writeFileSync(file, `${readFileSync(file, 'utf8')}// edited\n`);
    expect(script('--check').status).toBe(1);
  });

  it('removes generated files whose proto was deleted', () => {
    const stale = join(tree.root, 'libs/proto/src/gen/mcp/v1/gone_pb.ts');
    writeFileSync(stale, 'export {};\n');
    expect(script().status).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(script('--check').status).toBe(0);
  });
});
