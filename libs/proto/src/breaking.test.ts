// Proves scripts/buf-breaking.sh reports wire-breaking changes and passes compatible ones.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProtoTree, git, run, type ScratchTree } from './scratch-tree.js';

describe('scripts/buf-breaking.sh', () => {
  let tree: ScratchTree;
  const serviceProto = () => join(tree.root, 'proto/mcp/v1/service.proto');
  const editServiceProto = (from: string, to: string) => {
    const text = readFileSync(serviceProto(), 'utf8');
    expect(text).toContain(from);
    writeFileSync(serviceProto(), text.replace(from, to));
  };
  const breaking = (...args: string[]) => run(tree.root, 'bash', ['scripts/buf-breaking.sh', ...args]);

  beforeEach(() => {
    tree = copyProtoTree();
    git(tree.root, 'init', '--quiet');
    git(tree.root, 'add', 'buf.yaml', 'proto');
    git(tree.root, 'commit', '--quiet', '-m', 'original protos');
  });
  afterEach(() => {
    tree.remove();
  });

  it('reports a removed field', () => {
    editServiceProto('  string comment = 4;\n', '');
    git(tree.root, 'commit', '--quiet', '-am', 'remove comment');
    const result = breaking('HEAD~1');
    expect(result.status).toBe(100);
    expect(result.stdout).toContain('"comment"');
    expect(result.stdout).toContain('ServiceSpec');
  });

  it('reports a renumbered field', () => {
    editServiceProto('  string tier = 5;', '  string tier = 15;');
    git(tree.root, 'commit', '--quiet', '-am', 'renumber tier');
    const result = breaking('HEAD~1');
    expect(result.status).toBe(100);
    expect(result.stdout).toContain('"tier"');
  });

  it('reports a change that is not yet committed, against HEAD', () => {
    editServiceProto('  int32 vcpus = 13;', '  int64 vcpus = 13;');
    const result = breaking('HEAD');
    expect(result.status).toBe(100);
    expect(result.stdout).toContain('"vcpus"');
  });

  it('passes an unchanged contract', () => {
    git(tree.root, 'commit', '--quiet', '--allow-empty', '-m', 'no change');
    const result = breaking();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('no breaking change');
  });

  it('passes an added field', () => {
    editServiceProto('  string path = 8;', '  string path = 8;\n  string added = 10;');
    git(tree.root, 'commit', '--quiet', '-am', 'add a field');
    expect(breaking('HEAD~1').status).toBe(0);
  });

  it('says there is nothing to compare when the ref does not exist', () => {
    const result = breaking();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("nothing to compare: ref 'HEAD~1' does not exist");
  });

  it('says there is nothing to compare when the ref has no proto directory', () => {
    git(tree.root, 'rm', '--quiet', '-r', 'proto');
    git(tree.root, 'commit', '--quiet', '-m', 'drop protos');
    const result = breaking('HEAD');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('has no proto/ directory');
  });
});
