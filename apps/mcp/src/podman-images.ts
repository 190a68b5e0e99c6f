// The operator's podman, for `mcp build`: build an image, push it, ask a registry whether it holds a tag.
// Registry TLS and credentials are podman's own (registries.conf, auth.json), as for any podman push.
import { execFile } from 'node:child_process';
import { parseImageReference } from '@mcp/servicedef';
import { CliError, exitCodes } from './errors.js';

export interface PodmanImages {
  build(options: { image: string; dockerfile: string; contextDir: string }): Promise<void>;
  push(image: string): Promise<void>;
  /** Whether the image's registry holds its tag; a registry that cannot be asked is an error, not a "no". */
  inRegistry(image: string): Promise<boolean>;
}

/** An image under `localhost/`: podman keeps it in local storage; there is no registry to ask or push to. */
export function isLocalImage(image: string): boolean {
  return image.startsWith('localhost/');
}

export function createPodmanImages(options: { podmanPath?: string } = {}): PodmanImages {
  const podman = options.podmanPath ?? 'podman';
  return {
    async build({ image, dockerfile, contextDir }) {
      await runPodman(podman, ['build', '--quiet', '--tag', image, '--file', dockerfile, contextDir], `build ${image}`);
    },
    async push(image) {
      await runPodman(podman, ['push', '--quiet', image], `push ${image}`);
    },
    async inRegistry(image) {
      // localhost/ names podman's local storage, not a registry (SPEC §3: locally built images): present means there.
      if (isLocalImage(image)) return (await execute(podman, ['image', 'exists', image])).exitCode === 0;
      const reference = parseImageReference(image);
      if (reference?.tag === undefined) {
        throw new CliError('invalid_input', `${image}: expected an image reference with a tag to look up in its registry`, exitCodes.badInput);
      }
      const args = ['search', '--list-tags', '--limit', '1000000', '--format', 'json', reference.repository];
      const listed = await execute(podman, args);
      // The registry answers 404 for a repository it has never seen: nothing of it is there.
      if (listed.exitCode !== 0 && /\b404\b|NAME_UNKNOWN|name unknown/i.test(listed.stderr)) return false;
      if (listed.exitCode !== 0) throw podmanFailure(`ask the registry for ${image}`, args, listed.stderr);
      const repositories = JSON.parse(listed.stdout || '[]') as { Tags?: string[] | null }[];
      return repositories.some((entry) => (entry.Tags ?? []).includes(reference.tag ?? ''));
    },
  };
}

interface Executed {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runPodman(podman: string, args: readonly string[], what: string): Promise<void> {
  const result = await execute(podman, args);
  if (result.exitCode !== 0) throw podmanFailure(what, args, result.stderr);
}

function execute(podman: string, args: readonly string[]): Promise<Executed> {
  return new Promise((resolve, reject) => {
    execFile(podman, [...args], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(
          new CliError('unavailable', `cannot run ${podman} (${error.message}); mcp build needs podman on this machine`, exitCodes.failed, {
            cause: error,
          }),
        );
        return;
      }
      resolve({ exitCode: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

function podmanFailure(what: string, args: readonly string[], stderr: string): CliError {
  const detail = stderr.trim().split('\n').slice(-5).join('\n') || 'no output';
  return new CliError('failed', `podman could not ${what} (podman ${args.join(' ')}): ${detail}`, exitCodes.failed);
}
