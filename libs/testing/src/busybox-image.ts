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

async function buildRootfs(root: string, busybox: string): Promise<void> {
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
 * Makes sure the busybox test image exists, importing it when absent; returns its reference.
 * Safe to call from parallel test processes: one imports, the others wait for it.
 */
export async function ensureBusyboxImage(
  reference = DEFAULT_BUSYBOX_IMAGE,
  options: BusyboxImageOptions = {},
): Promise<string> {
  const podman = options.podmanPath ?? 'podman';
  const busybox = options.busyboxPath ?? '/bin/busybox';
  if (await imageExists(podman, reference)) return reference;
  const lockName = createHash('sha256').update(reference).digest('hex').slice(0, 16);
  await withFileLock(join(tmpdir(), `mcp-image-${lockName}.lock`), async () => {
    if (await imageExists(podman, reference)) return;
    await stat(busybox).catch(() => {
      throw new Error(`${busybox} not found: install busybox-static (scripts/setup-system.sh does)`);
    });
    const work = await createTempDir('mcp-busybox');
    try {
      const root = join(work.path, 'rootfs');
      await buildRootfs(root, busybox);
      const tarball = join(work.path, 'rootfs.tar');
      await run('tar', ['-C', root, '-cf', tarball, '.']);
      await run(podman, [
        'import',
        '--quiet',
        '--change', 'ENV PATH=/bin',
        '--change', 'WORKDIR /',
        '--change', `CMD ["httpd", "-f", "-v", "-p", "${BUSYBOX_HTTP_PORT}", "-h", "/www"]`,
        tarball,
        reference,
      ]);
    } finally {
      await work.remove();
    }
  });
  return reference;
}
