// The podman CLI for this lib's own image tests: @mcp/runtime's probePodmanCli is out of reach here (runtime's
// tests depend on this lib), so the binary is asked directly.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireRuntime } from './require-runtime.js';

const run = promisify(execFile);

/** Runs podman with `args`; resolves with its stdout. */
export const podman = async (...args: string[]): Promise<string> => (await run('podman', args)).stdout;

/** Why podman tests skip here, or undefined when podman answers (MCP_REQUIRE_RUNTIME=podman makes it throw). */
export function podmanSkipReason(): Promise<string | undefined> {
  return requireRuntime('podman', () =>
    podman('version', '--format', '{{.Client.Version}}').then(
      (version) => ({ available: true, version: version.trim() }),
      (error: Error) => ({ available: false, reason: error.message }),
    ),
  );
}
