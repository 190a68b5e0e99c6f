// VM images as OCI images: disk images on a copy-on-write overlay, images that cannot boot, ops, build/push, forced KVM.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeError } from '../errors.js';
import type { ContainerSpec } from '../types.js';
import {
  createTempDir,
  ensureBusyboxImage,
  qemuSkipReason,
  removeNodeVms,
  startQemuTestBed,
  uniqueName,
  uniqueNode,
} from './qemu-harness.js';
import type { QemuTestBed } from './qemu-harness.js';
import { DISK_OVERLAY } from './qemu-arguments.js';
import { stateLayout } from './vm-record.js';

const run = promisify(execFile);
const skip = await qemuSkipReason();

/** Imports a directory tree as an image of the test's own; removed after the file. */
async function importImage(root: string, changes: readonly string[] = []): Promise<string> {
  const reference = `localhost/${uniqueName('mcp-vm-test')}:1`;
  await run('tar', ['-C', root, '-cf', `${root}.tar`, '.']);
  await run('podman', ['import', '--quiet', ...changes.flatMap((change) => ['--change', change]), `${root}.tar`, reference]);
  return reference;
}

const failureOf = (promise: Promise<unknown>): Promise<RuntimeError> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as RuntimeError,
  );

describe.skipIf(skip !== undefined)(`qemu VM images${skip === undefined ? '' : ` (skipped: ${skip})`}`, { timeout: 90_000 }, () => {
  let bed: QemuTestBed;
  const node = uniqueNode();
  const imported: string[] = [];
  const spec = (image: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec => ({
    service: uniqueName('vm'),
    component: 'main',
    node,
    image,
    ...overrides,
  });

  beforeAll(async () => {
    bed = await startQemuTestBed();
  }, 600_000);
  afterAll(async () => {
    if (imported.length > 0) await run('podman', ['rmi', '--force', ...imported]);
    await bed.stop();
  }, 60_000);
  afterEach(() => removeNodeVms(bed.runtime, node), 60_000);

  it('boots a disk image from a copy-on-write overlay whose base stays in the image cache', async () => {
    const work = await createTempDir('mcp-vm-disk');
    try {
      await mkdir(join(work.path, 'root/disk'), { recursive: true });
      await run('qemu-img', ['create', '-q', '-f', 'qcow2', join(work.path, 'root/disk/root.qcow2'), '16M']);
      const image = await importImage(join(work.path, 'root'));
      imported.push(image);
      const { name, state } = await bed.runtime.createAndStart(spec(image));
      expect(state).toBe('running');
      const overlay = join(stateLayout(bed.stateDir).vmsDir, name, DISK_OVERLAY);
      const { stdout } = await run('qemu-img', ['info', '--force-share', '--output=json', overlay]);
      const info = JSON.parse(stdout) as { 'backing-filename'?: string; 'backing-filename-format'?: string };
      expect(info['backing-filename']).toMatch(new RegExp(`^${stateLayout(bed.stateDir).imagesDir}/[0-9a-f]{64}/disk/root\\.qcow2$`));
      expect(info['backing-filename-format']).toBe('qcow2');
    } finally {
      await work.remove();
    }
  });

  it('refuses cmd for a VM that boots from a disk image, which has no kernel command line', async () => {
    const work = await createTempDir('mcp-vm-disk');
    try {
      await mkdir(join(work.path, 'root/disk'), { recursive: true });
      await writeFile(join(work.path, 'root/disk/root.raw'), Buffer.alloc(512));
      const image = await importImage(join(work.path, 'root'));
      imported.push(image);
      const failure = await failureOf(bed.runtime.createAndStart(spec(image, { cmd: ['serve'] })));
      expect({ kind: failure.kind, detail: failure.detail }).toMatchObject({ kind: 'invalid-argument', detail: expect.stringContaining('cmd') });
      expect(await bed.runtime.list({ node })).toEqual([]);
    } finally {
      await work.remove();
    }
  });

  it('refuses an image that holds neither a kernel nor a disk image, saying what a VM image holds', async () => {
    const image = await ensureBusyboxImage();
    const failure = await failureOf(bed.runtime.createAndStart(spec(image)));
    expect(failure.kind).toBe('invalid-argument');
    expect(failure.detail).toContain('/boot/vmlinux');
    expect(await bed.runtime.list({ node })).toEqual([]);
  });

  it('names the missing ops for an image that holds only an ELF program', async () => {
    const work = await createTempDir('mcp-vm-elf');
    try {
      await mkdir(join(work.path, 'root'));
      await run('cp', ['/bin/busybox', join(work.path, 'root/app')]);
      const image = await importImage(join(work.path, 'root'), ['CMD ["/app"]']);
      imported.push(image);
      const withoutOps = bed.reopen({ searchPath: join(work.path, 'empty-bin') });
      const failure = await failureOf(withoutOps.createAndStart(spec(image)));
      expect(failure.kind).toBe('invalid-argument');
      expect(failure.detail).toMatch(/ELF program.*ops is not installed/);
      expect(await bed.runtime.list({ node })).toEqual([]);
    } finally {
      await work.remove();
    }
  });

  it('reports forced kvm without a usable /dev/kvm as unavailable, and starts nothing', async () => {
    const forced = bed.reopen({ acceleration: 'kvm', accelerationFacts: { kvmPath: '/nonexistent/kvm' } });
    const probe = await forced.probe();
    expect({ available: probe.available, acceleration: probe.acceleration }).toEqual({ available: false, acceleration: 'kvm' });
    expect(probe.reason).toContain('/nonexistent/kvm');
    const failure = await failureOf(forced.createAndStart(spec(bed.image)));
    expect(failure.kind).toBe('unavailable');
    expect(await bed.runtime.list({ node })).toEqual([]);
  });

  it('reports its QEMU version and the accelerator it chose', async () => {
    const probe = await bed.reopen({ acceleration: 'auto' }).probe();
    expect(probe.available).toBe(true);
    expect(probe.version).toMatch(/^\d+\.\d+/);
    expect(['kvm', 'tcg']).toContain(probe.acceleration);
  });

  for (const operation of ['buildImage', 'pushImage'] as const) {
    it(`refuses ${operation} as an invalid argument: VM images are built as OCI images elsewhere`, async () => {
      const call =
        operation === 'buildImage'
          ? bed.runtime.buildImage({ contextDir: '/tmp', dockerfile: 'Dockerfile', tag: 'localhost/x:1' })
          : bed.runtime.pushImage('localhost/x:1');
      const failure = await failureOf(call);
      expect(failure.kind).toBe('invalid-argument');
      expect(failure.detail).toContain('OCI image');
    });
  }
});
