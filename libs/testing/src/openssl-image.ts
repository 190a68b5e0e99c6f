// Builds a test image that runs the host's openssl (no registry needed): the busybox root file system plus the
// openssl binary and every shared library `ldd` lists for it, at their own paths. Tests run `openssl s_server` in
// it as a real TLS server inside a container.
import { execFile } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { buildBusyboxRootfs, ensureImportedImage, requireBusybox } from './busybox-image.js';

const run = promisify(execFile);

export const DEFAULT_OPENSSL_IMAGE = 'localhost/mcp-openssl:test';

export interface OpensslImageOptions {
  readonly podmanPath?: string;
  /** A statically linked busybox (Debian: busybox-static). Default /bin/busybox. */
  readonly busyboxPath?: string;
  /** The host's openssl. Default /usr/bin/openssl. */
  readonly opensslPath?: string;
}

/** The absolute paths of the libraries and the loader `ldd` lists for a binary (not the vDSO). */
export function sharedLibrariesOf(lddOutput: string): string[] {
  const paths: string[] = [];
  for (const line of lddOutput.split('\n')) {
    const path = /=>\s+(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
    if (path !== undefined) paths.push(path);
  }
  return paths;
}

async function copyAtSamePath(root: string, path: string): Promise<void> {
  await mkdir(join(root, dirname(path)), { recursive: true });
  await copyFile(path, join(root, path));
}

/**
 * Makes sure the openssl test image exists, importing it when absent; returns its reference. Its default command
 * prints the openssl version. Safe to call from parallel test processes.
 */
export async function ensureOpensslImage(reference = DEFAULT_OPENSSL_IMAGE, options: OpensslImageOptions = {}): Promise<string> {
  const busybox = options.busyboxPath ?? '/bin/busybox';
  const openssl = options.opensslPath ?? '/usr/bin/openssl';
  return ensureImportedImage({
    podman: options.podmanPath ?? 'podman',
    reference,
    build: async (root) => {
      await requireBusybox(busybox);
      const { stdout } = await run('ldd', [openssl]).catch((error: Error) => {
        throw new Error(`cannot list the libraries of ${openssl} (install openssl; scripts/setup-system.sh does): ${error.message}`);
      });
      await buildBusyboxRootfs(root, busybox);
      await copyAtSamePath(root, openssl);
      for (const library of sharedLibrariesOf(stdout)) await copyAtSamePath(root, library);
      // Its configuration (`req` and friends refuse to run without one), where this openssl looks for it.
      const directory = /OPENSSLDIR: "([^"]+)"/.exec((await run(openssl, ['version', '-d'])).stdout)?.[1];
      if (directory !== undefined) await copyAtSamePath(root, join(directory, 'openssl.cnf')).catch(() => undefined);
    },
    changes: [`ENV PATH=/bin:${dirname(openssl)}`, 'WORKDIR /', `CMD ["${openssl}", "version"]`],
  });
}
