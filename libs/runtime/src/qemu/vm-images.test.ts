// What an image's copied-out /boot and /disk offer to boot, and how podman's pull failures are classified.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from './qemu-harness.js';
import { describeContent, kindOfPullFailure } from './vm-images.js';

describe('describeContent', () => {
  const tempDir = useTempDirs('mcp-vm-content');
  const layout = async (files: Record<string, string | Buffer>): Promise<string> => {
    const root = await tempDir();
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), content);
    }
    return root;
  };

  it('prefers vmlinux over vmlinuz, with the initrd and the trimmed cmdline', async () => {
    const root = await layout({ 'boot/vmlinux': 'k', 'boot/vmlinuz': 'z', 'boot/initrd.img': 'i', 'boot/cmdline': ' console=ttyS0\n' });
    expect(await describeContent(root, 'id')).toEqual({
      imageId: 'id',
      kernel: join(root, 'boot/vmlinux'),
      initrd: join(root, 'boot/initrd.img'),
      cmdline: 'console=ttyS0',
    });
  });

  it('resolves an absolute symlink against the image root, never the host', async () => {
    const root = await layout({ 'boot/vmlinuz-6.1': 'kernel' });
    await symlink('/boot/vmlinuz-6.1', join(root, 'boot/vmlinuz'));
    expect((await describeContent(root, 'id')).kernel).toBe(join(root, 'boot/vmlinuz-6.1'));
  });

  it('ignores a symlink that leads out of the image', async () => {
    const root = await layout({ 'boot/cmdline': 'quiet' });
    await symlink('../../../../../etc/hostname', join(root, 'boot/vmlinux'));
    expect((await describeContent(root, 'id')).kernel).toBeUndefined();
  });

  it('takes the first disk by name among *.img, *.qcow2 and *.raw, telling qcow2 by its magic', async () => {
    const root = await layout({
      'disk/b.qcow2': Buffer.concat([Buffer.from('QFI\xfb', 'latin1'), Buffer.alloc(60)]),
      'disk/a.img': Buffer.concat([Buffer.from('QFI\xfb', 'latin1'), Buffer.alloc(60)]),
      'disk/notes.txt': 'x',
    });
    expect((await describeContent(root, 'id')).disk).toEqual({ path: join(root, 'disk/a.img'), format: 'qcow2' });
    const raw = await layout({ 'disk/root.raw': Buffer.alloc(512) });
    expect((await describeContent(raw, 'id')).disk).toEqual({ path: join(raw, 'disk/root.raw'), format: 'raw' });
  });

  it('offers the ELF entry program only when there is neither kernel nor disk', async () => {
    const elf = Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(60)]);
    expect((await describeContent(await layout({ program: elf }), 'id')).program).toMatch(/program$/);
    expect((await describeContent(await layout({ program: '#!/bin/sh\n' }), 'id')).program).toBeUndefined();
    expect((await describeContent(await layout({ program: elf, 'boot/vmlinux': 'k' }), 'id')).program).toBeUndefined();
  });
});

describe('kindOfPullFailure', () => {
  it('tells an unreachable registry from a missing image', () => {
    expect(kindOfPullFailure('pinging container registry 127.0.0.1:1: Get "https://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused')).toBe('unavailable');
    expect(kindOfPullFailure('reading manifest 1 in 127.0.0.1:5000/x: manifest unknown: manifest unknown')).toBe('not-found');
    expect(kindOfPullFailure('writing blob: storage full')).toBe('failed');
  });
});
