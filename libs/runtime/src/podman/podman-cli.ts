// Runs the podman binary for what the REST API makes awkward (build) and to find out whether podman is installed.
import { execFile } from 'node:child_process';
import type { ProbeResult } from '../types.js';

export interface PodmanCommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

export class PodmanCommandError extends Error {
  override readonly name = 'PodmanCommandError';
  readonly args: readonly string[];
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly code: string | undefined;

  constructor(options: { args: readonly string[]; exitCode?: number; stderr: string; code?: string; cause?: unknown }) {
    const reason =
      options.code === 'ENOENT'
        ? 'podman binary not found'
        : `exit code ${String(options.exitCode)}: ${options.stderr.trim() || 'no output on stderr'}`;
    super(`podman ${options.args.join(' ')} failed: ${reason}`, { cause: options.cause });
    this.args = options.args;
    this.exitCode = options.exitCode;
    this.stderr = options.stderr;
    this.code = options.code;
  }
}

export function runPodman(
  args: readonly string[],
  options: { podmanPath?: string; signal?: AbortSignal | undefined } = {},
): Promise<PodmanCommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      options.podmanPath ?? 'podman',
      args,
      { maxBuffer: 64 * 1024 * 1024, ...(options.signal === undefined ? {} : { signal: options.signal }) },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, stderr });
          return;
        }
        const exitCode = typeof error.code === 'number' ? error.code : undefined;
        const code = typeof error.code === 'string' ? error.code : undefined;
        reject(
          new PodmanCommandError({
            args,
            stderr,
            cause: error,
            ...(exitCode === undefined ? {} : { exitCode }),
            ...(code === undefined ? {} : { code }),
          }),
        );
      },
    );
  });
}

/** Whether the podman binary is installed and answers; for test gates and `mcp-agent` start-up checks. */
export async function probePodmanCli(options: { podmanPath?: string } = {}): Promise<ProbeResult> {
  try {
    const { stdout } = await runPodman(['version', '--format', '{{.Client.Version}}'], options);
    return { available: true, version: stdout.trim() };
  } catch (error) {
    const failure = error as PodmanCommandError;
    return {
      available: false,
      reason:
        failure.code === 'ENOENT'
          ? `podman is not installed (no ${options.podmanPath ?? 'podman'} on PATH); run scripts/setup-system.sh`
          : failure.message,
    };
  }
}
