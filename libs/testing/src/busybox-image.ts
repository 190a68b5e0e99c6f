// Builds the test image from the host's static busybox (no registry needed): every applet linked, a web root.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withFileLock } from './file-lock.js';
import { createTempDir } from './temp-dirs.js';

const run = promisify(execFile);

export const DEFAULT_BUSYBOX_IMAGE = 'localhost/mcp-busybox:test';
/** What the image's web root serves at `/`. */
export const BUSYBOX_INDEX_HTML = 'hello from mcp busybox\n';
/** The port the image's default command (busybox httpd) listens on. */
export const BUSYBOX_HTTP_PORT = 8080;

export interface BusyboxImageOptions {
  readonly podmanPath?: string;
  /** A statically linked busybox (Debian: busybox-static). Default /bin/busybox. */
  readonly busyboxPath?: string;
}

async function imageExists(podman: string, reference: string): Promise<boolean> {
  return run(podman, ['image', 'exists', reference]).then(
    () => true,
    (error: { code?: unknown; stderr?: string }) => {
      if (error.code === 1) return false;
      throw new Error(`podman image exists ${reference} failed: ${error.stderr ?? String(error.code)}`);
    },
  );
}

/** A busybox root file system: every applet linked in /bin, /etc/passwd and group, a web root. */
export async function buildBusyboxRootfs(root: string, busybox: string): Promise<void> {
  for (const dir of ['bin', 'etc', 'www', 'tmp', 'data']) await mkdir(join(root, dir), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  await copyFile(busybox, join(root, 'bin/busybox'));
  const { stdout } = await run(busybox, ['--list']);
  for (const applet of stdout.split('\n').map((line) => line.trim())) {
    if (applet !== '' && applet !== 'busybox') await symlink('busybox', join(root, 'bin', applet));
  }
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n');
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nnobody:x:65534:\n');
  await writeFile(join(root, 'www/index.html'), BUSYBOX_INDEX_HTML);
}

/**
 * Makes sure `reference` exists, importing a root file system that `build` fills when absent (with the given
 * `podman import --change` lines). Safe to call from parallel test processes: one imports, the others wait for it.
 */
export async function ensureImportedImage(options: {
  readonly podman: string;
  readonly reference: string;
  readonly build: (root: string) => Promise<void>;
  readonly changes: readonly string[];
}): Promise<string> {
  const { podman, reference } = options;
  if (await imageExists(podman, reference)) return reference;
  const lockName = createHash('sha256').update(reference).digest('hex').slice(0, 16);
  await withFileLock(join(tmpdir(), `mcp-image-${lockName}.lock`), async () => {
    if (await imageExists(podman, reference)) return;
    const work = await createTempDir('mcp-image');
    try {
      const root = join(work.path, 'rootfs');
      await options.build(root);
      const tarball = join(work.path, 'rootfs.tar');
      await run('tar', ['-C', root, '-cf', tarball, '.']);
      await run(podman, ['import', '--quiet', ...options.changes.flatMap((change) => ['--change', change]), tarball, reference]);
    } finally {
      await work.remove();
    }
  });
  return reference;
}

/** Fails with what to install when the static busybox is missing. */
export async function requireBusybox(busybox: string): Promise<void> {
  await stat(busybox).catch(() => {
    throw new Error(`${busybox} not found: install busybox-static (scripts/setup-system.sh does)`);
  });
}

/**
 * Makes sure the busybox test image exists, importing it when absent; returns its reference.
 * Safe to call from parallel test processes: one imports, the others wait for it.
 */
export async function ensureBusyboxImage(
  reference = DEFAULT_BUSYBOX_IMAGE,
  options: BusyboxImageOptions = {},
): Promise<string> {
  const busybox = options.busyboxPath ?? '/bin/busybox';
  return ensureImportedImage({
    podman: options.podmanPath ?? 'podman',
    reference,
    build: async (root) => {
      await requireBusybox(busybox);
      await buildBusyboxRootfs(root, busybox);
    },
    changes: ['ENV PATH=/bin', 'WORKDIR /', `CMD ["httpd", "-f", "-v", "-p", "${BUSYBOX_HTTP_PORT}", "-h", "/www"]`],
  });
}
