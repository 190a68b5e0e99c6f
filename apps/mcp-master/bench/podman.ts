// podman's own CLI, the baseline an operator would otherwise type, and the untimed cleanup between rounds.
import { NODE_LABEL } from '@mcp/runtime';
import { execFile } from 'node:child_process';

export function podman(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('podman', args, { maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`podman ${args.join(' ')} failed: ${stderr.trim()}`, { cause: error })),
    );
  });
}

/** Removes every container the agents of these nodes made (by their node label). */
export async function removeContainersOf(nodes: readonly string[]): Promise<void> {
  const lists = await Promise.all(nodes.map((node) => podman('ps', '-aq', '--filter', `label=${NODE_LABEL}=${node}`)));
  const ids = lists.flatMap((list) => list.split('\n')).filter((id) => id !== '');
  if (ids.length > 0) await podman('rm', '-f', '-t', '0', ...ids);
}
