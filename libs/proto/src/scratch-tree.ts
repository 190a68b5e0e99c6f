// Test helper: copies the parts of the repo the proto scripts need into a temp dir, so tests run them untouched.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (libs/proto/src -> ../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Paths, relative to the repo root, that the proto scripts read. */
const treePaths = [
  'buf.yaml',
  'proto',
  'libs/proto/buf.gen.yaml',
  'libs/proto/src/gen',
  'scripts/generate-proto.sh',
  'scripts/buf-breaking.sh',
];

export interface ScratchTree {
  readonly root: string;
  remove(): void;
}

/** Copies the proto sources, generated code and scripts into a fresh temp dir; node_modules is linked. */
export function copyProtoTree(): ScratchTree {
  const root = mkdtempSync(join(tmpdir(), 'mcp-proto-'));
  for (const path of treePaths) {
    cpSync(join(repoRoot, path), join(root, path), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in dir and returns its exit status and output. */
export function run(dir: string, command: string, args: readonly string[]): RunResult {
  const result = spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs git in dir with a fixed identity (temp repos only). */
export function git(dir: string, ...args: string[]): RunResult {
  const result = run(dir, 'git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args]);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result;
}
