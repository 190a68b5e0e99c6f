// ensureVmTestImage against the real podman and Debian's kernel package: what the image holds, built once.
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requireRuntime } from './require-runtime.js';
import { createTempDir } from './temp-dirs.js';
import { uniqueName } from './unique-names.js';
import { VM_GUEST_INIT, VM_KERNEL_CMDLINE, VM_READY_MARKER } from './vm-guest-init.js';
import { ensureUnbootableVmImage, ensureVmTestImage } from './vm-image.js';

const run = promisify(execFile);
const podman = async (...args: string[]): Promise<string> => (await run('podman', args, { maxBuffer: 1 << 26 })).stdout;

// The image exists for the QEMU tests, so it is gated (and required in CI) as they are; this lib cannot reach
// @mcp/runtime's probe, so it asks the binaries.
const skipReason = await requireRuntime('qemu', async () => {
  try {
    const [qemu] = await Promise.all([run('qemu-system-x86_64', ['--version']), podman('--version')]);
    return { available: true, version: qemu.stdout.split('\n')[0] ?? '' };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
});

/** Copies a path out of an image through a created (never started) container. */
async function copyOut(reference: string, path: string, destination: string): Promise<void> {
  const container = uniqueName('vm-image-test');
  await podman('create', '--name', container, '--entrypoint', '/none', reference);
  try {
    await podman('cp', `${container}:${path}`, destination);
  } finally {
    await podman('rm', '--force', container);
  }
}

describe.skipIf(skipReason !== undefined)(`VM test images${skipReason ? ` (${skipReason})` : ''}`, { timeout: 120_000 }, () => {
  const made: string[] = [];
  afterAll(async () => {
    if (made.length > 0) await podman('rmi', '--force', '--ignore', ...made);
  });

  it('holds an uncompressed ELF kernel, an initramfs with the test init, and the kernel command line', async () => {
    const image = await ensureVmTestImage();
    const work = await createTempDir('mcp-vm-image-test');
    try {
      await copyOut(image, '/boot', join(work.path, 'boot'));
      const kernel = await readFile(join(work.path, 'boot/vmlinux'));
      expect(kernel.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
      const initrd = await readFile(join(work.path, 'boot/initrd.img'), 'latin1');
      expect(initrd.startsWith('070701')).toBe(true); // cpio newc, uncompressed
      expect(initrd).toContain(VM_GUEST_INIT.slice(0, 200));
      expect(initrd).toContain('virtio_net.ko');
      expect(initrd).toContain(VM_READY_MARKER);
      expect((await readFile(join(work.path, 'boot/cmdline'), 'utf8')).trim()).toBe(VM_KERNEL_CMDLINE);
    } finally {
      await work.remove();
    }
  });

  it('builds once: a second call finds the image and keeps it', async () => {
    const first = await podman('image', 'inspect', '--format', '{{.Id}}', await ensureVmTestImage());
    const second = await podman('image', 'inspect', '--format', '{{.Id}}', await ensureVmTestImage());
    expect(second).toBe(first);
  });

  it('rebuilds an image of that name made from other content', async () => {
    const reference = `localhost/${uniqueName('unbootable')}:test`;
    made.push(reference);
    const work = await createTempDir('mcp-vm-image-test');
    try {
      // An image of the same name holding nothing, and no build fingerprint.
      await mkdir(join(work.path, 'root'));
      await run('tar', ['-C', join(work.path, 'root'), '-cf', join(work.path, 'empty.tar'), '.']);
      await podman('import', '--quiet', join(work.path, 'empty.tar'), reference);
    } finally {
      await work.remove();
    }
    await ensureUnbootableVmImage(reference);
    const out = await createTempDir('mcp-vm-image-test');
    try {
      await copyOut(reference, '/boot/vmlinux', join(out.path, 'vmlinux'));
      expect(await readFile(join(out.path, 'vmlinux'), 'utf8')).toBe('this is not a kernel\n');
    } finally {
      await out.remove();
    }
  });
});
