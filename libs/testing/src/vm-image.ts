// Builds the VM test image: Debian's kernel (downloaded, never installed) + a busybox initramfs, as an OCI image.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { withFileLock } from './file-lock.js';
import { createTempDir } from './temp-dirs.js';
import { VM_GUEST_INIT, VM_GUEST_MODULES, VM_KERNEL_CMDLINE, VM_POWER_BUTTON_SCRIPT } from './vm-guest-init.js';

export const DEFAULT_VM_IMAGE = 'localhost/mcp-vm:test';
export const DEFAULT_UNBOOTABLE_VM_IMAGE = 'localhost/mcp-vm-unbootable:test';

export interface VmTestImageOptions {
  readonly podmanPath?: string;
  /** A statically linked busybox (Debian: busybox-static). Default /bin/busybox. */
  readonly busyboxPath?: string;
}

const UNBOOTABLE_KERNEL = 'this is not a kernel\n';
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
/** Where each guest module lives under /lib/modules/<version>/kernel/ in Debian's package. */
const MODULE_PATHS: Readonly<Record<(typeof VM_GUEST_MODULES)[number], string>> = {
  virtio_ring: 'drivers/virtio',
  virtio: 'drivers/virtio',
  virtio_pci_modern_dev: 'drivers/virtio',
  virtio_pci_legacy_dev: 'drivers/virtio',
  virtio_pci: 'drivers/virtio',
  failover: 'net/core',
  net_failover: 'drivers/net',
  virtio_net: 'drivers/net',
  button: 'drivers/acpi',
  evdev: 'drivers/input',
  netfs: 'fs/netfs',
  fscache: 'fs/fscache',
  '9pnet': 'net/9p',
  '9pnet_virtio': 'net/9p',
  '9p': 'fs/9p',
};

interface Finished {
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  readonly cwd?: string;
  /** What the program reads: bytes, or another program's output. */
  readonly input?: Buffer | NodeJS.ReadableStream;
  /** Write stdout to this file instead of collecting it. */
  readonly stdoutFile?: string;
}

/** Runs a program; fails with its stderr. */
function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const written =
      options.stdoutFile === undefined
        ? (child.stdout.on('data', (chunk: Buffer) => out.push(chunk)), Promise.resolve())
        : pipeline(child.stdout, createWriteStream(options.stdoutFile));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new Error(`${command} could not run: ${error.message}`)));
    child.stdin.on('error', () => undefined); // a program that exits early closes its stdin; its exit code tells
    if (options.input === undefined || Buffer.isBuffer(options.input)) child.stdin.end(options.input);
    else options.input.pipe(child.stdin);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      written.then(
        () => {
          if (code === 0) resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr });
          else reject(new Error(`${command} ${args.join(' ')} failed (exit ${String(code)}): ${stderr.trim()}`));
        },
        reject,
      );
    });
  });
}

const FINGERPRINT_LABEL = 'mcp.test.fingerprint';

/** The image's id and build fingerprint, or undefined when it is absent. */
async function imageState(podman: string, reference: string): Promise<{ id: string; fingerprint: string } | undefined> {
  const exists = await run(podman, ['image', 'exists', reference]).then(
    () => true,
    (error: Error) => {
      if (/exit 1\)/.test(error.message)) return false;
      throw error;
    },
  );
  if (!exists) return undefined;
  const format = `{{.Id}} {{index .Labels "${FINGERPRINT_LABEL}"}}`;
  const [id = '', fingerprint = ''] = (await run(podman, ['image', 'inspect', '--format', format, reference])).stdout.trim().split(' ');
  return { id, fingerprint };
}

/** The versioned kernel package linux-image-amd64 points at (e.g. linux-image-6.1.0-50-amd64). */
async function kernelPackage(): Promise<string> {
  const { stdout } = await run('apt-cache', ['depends', 'linux-image-amd64']);
  const name = /Depends:\s+(linux-image-\d\S*)/.exec(stdout)?.[1];
  if (name === undefined) {
    throw new Error('apt-cache knows no kernel behind linux-image-amd64: run apt-get update (Debian 12 sources)');
  }
  return name;
}

/** apt-get download into dir; on failure (stale package lists name a version the mirror dropped) update once. */
async function downloadKernel(dir: string): Promise<string> {
  // Downloading as root into a directory _apt cannot write makes apt warn; its sandbox buys nothing here.
  const download = async (): Promise<void> => {
    await run('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', await kernelPackage()], { cwd: dir });
  };
  await download().catch(async () => {
    await run('apt-get', ['update', '-q']);
    await download();
  });
  const deb = (await readdir(dir)).find((name) => name.endsWith('.deb'));
  if (deb === undefined) throw new Error(`apt-get download left no .deb in ${dir}`);
  return join(dir, deb);
}

/** Extracts vmlinuz and the guest's modules, flattened into dir (dpkg-deb | tar), without installing anything. */
async function extractKernel(deb: string, dir: string): Promise<{ vmlinuz: string; modules: string[] }> {
  await mkdir(dir);
  const patterns = [
    './boot/vmlinuz-*',
    ...VM_GUEST_MODULES.map((name) => `./lib/modules/*/kernel/${MODULE_PATHS[name]}/${name}.ko`),
  ];
  const unpack = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'inherit'] });
  const unpacked = new Promise<void>((resolve, reject) => {
    unpack.on('error', reject);
    unpack.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`dpkg-deb --fsys-tarfile ${deb}: exit ${String(code)}`))));
  });
  await run('tar', ['-x', '-C', dir, '--wildcards', '--transform=s|.*/||', ...patterns], { input: unpack.stdout });
  await unpacked;
  const files = await readdir(dir);
  const missing = VM_GUEST_MODULES.filter((name) => !files.includes(`${name}.ko`));
  if (missing.length > 0) throw new Error(`kernel package ${deb} lacks modules: ${missing.join(', ')}`);
  const vmlinuz = files.find((name) => name.startsWith('vmlinuz-'));
  if (vmlinuz === undefined) throw new Error(`kernel package ${deb} has no /boot/vmlinuz-*`);
  return { vmlinuz: join(dir, vmlinuz), modules: VM_GUEST_MODULES.map((name) => join(dir, `${name}.ko`)) };
}

/** The uncompressed ELF vmlinux inside a bzImage boots through PVH, seconds faster under TCG than the bzImage. */
async function decompressKernel(vmlinuz: string, vmlinux: string): Promise<void> {
  const image = await readFile(vmlinuz);
  const start = image.indexOf(XZ_MAGIC);
  if (start < 0) throw new Error(`${vmlinuz} holds no xz-compressed kernel`);
  await run('xz', ['-d', '-c', '--single-stream'], { input: image.subarray(start), stdoutFile: vmlinux });
}

async function buildInitramfs(work: string, busybox: string, modules: readonly string[], output: string): Promise<void> {
  const root = join(work, 'initramfs');
  for (const dir of ['bin', 'proc', 'sys', 'dev', 'www', 'tmp', 'lib/modules', 'etc/acpi/PWRF']) {
    await mkdir(join(root, dir), { recursive: true });
  }
  await copyFile(busybox, join(root, 'bin/busybox'));
  for (const module of modules) await copyFile(module, join(root, 'lib/modules', module.split('/').at(-1) ?? ''));
  await writeFile(join(root, 'init'), VM_GUEST_INIT, { mode: 0o755 });
  await writeFile(join(root, 'etc/acpi/PWRF/00000080'), VM_POWER_BUTTON_SCRIPT, { mode: 0o755 });
  await chmod(join(root, 'tmp'), 0o1777);
  const { stdout: list } = await run('find', ['.'], { cwd: root });
  // Uncompressed: the kernel unpacks it at once, where gzip would cost boot time under TCG.
  await run(busybox, ['cpio', '-o', '-H', 'newc'], { cwd: root, input: Buffer.from(list), stdoutFile: output });
}

async function podmanImport(podman: string, root: string, reference: string, fingerprint: string, work: string): Promise<void> {
  const tarball = join(work, 'image.tar');
  await run('tar', ['-C', root, '-cf', tarball, '.']);
  await run(podman, ['import', '--quiet', '--change', `LABEL ${FINGERPRINT_LABEL}=${fingerprint}`, tarball, reference]);
}

/**
 * Once per reference and content across processes: a lock, then a second look, then the build. An image built
 * from other content (an older init script) is rebuilt, and the old one removed.
 */
async function ensureImage(
  podman: string,
  reference: string,
  fingerprint: string,
  build: (work: string) => Promise<string>,
): Promise<string> {
  if ((await imageState(podman, reference))?.fingerprint === fingerprint) return reference;
  const lockName = createHash('sha256').update(reference).digest('hex').slice(0, 16);
  await withFileLock(join(tmpdir(), `mcp-image-${lockName}.lock`), async () => {
    const before = await imageState(podman, reference);
    if (before?.fingerprint === fingerprint) return;
    const work = await createTempDir('mcp-vm-image');
    try {
      await podmanImport(podman, await build(work.path), reference, fingerprint, work.path);
    } finally {
      await work.remove();
    }
    if (before !== undefined) await run(podman, ['rmi', before.id]).catch(() => undefined);
  });
  return reference;
}

function fingerprintOf(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

/**
 * Makes sure the VM test image exists (building it when absent); returns its reference. It holds
 * /boot/vmlinux (Debian's kernel, uncompressed), /boot/initrd.img (busybox, virtio-net, the init of
 * vm-guest-init.ts) and /boot/cmdline. Safe to call from parallel test processes.
 */
export async function ensureVmTestImage(
  reference = DEFAULT_VM_IMAGE,
  options: VmTestImageOptions = {},
): Promise<string> {
  const busybox = options.busyboxPath ?? '/bin/busybox';
  const fingerprint = fingerprintOf(VM_GUEST_INIT, VM_POWER_BUTTON_SCRIPT, VM_KERNEL_CMDLINE, JSON.stringify(MODULE_PATHS));
  return ensureImage(options.podmanPath ?? 'podman', reference, fingerprint, async (work) => {
    await stat(busybox).catch(() => {
      throw new Error(`${busybox} not found: install busybox-static (scripts/setup-system.sh does)`);
    });
    const downloads = join(work, 'download');
    await mkdir(downloads);
    const kernel = await extractKernel(await downloadKernel(downloads), join(work, 'kernel'));
    const root = join(work, 'rootfs');
    await mkdir(join(root, 'boot'), { recursive: true });
    await decompressKernel(kernel.vmlinuz, join(root, 'boot/vmlinux'));
    await buildInitramfs(work, busybox, kernel.modules, join(root, 'boot/initrd.img'));
    await writeFile(join(root, 'boot/cmdline'), `${VM_KERNEL_CMDLINE}\n`);
    return root;
  });
}

/** An image that looks bootable (/boot/vmlinux) but whose kernel is not one: QEMU fails to start it. */
export async function ensureUnbootableVmImage(
  reference = DEFAULT_UNBOOTABLE_VM_IMAGE,
  options: Pick<VmTestImageOptions, 'podmanPath'> = {},
): Promise<string> {
  return ensureImage(options.podmanPath ?? 'podman', reference, fingerprintOf(UNBOOTABLE_KERNEL), async (work) => {
    const root = join(work, 'rootfs');
    await mkdir(join(root, 'boot'), { recursive: true });
    await writeFile(join(root, 'boot/vmlinux'), UNBOOTABLE_KERNEL);
    return root;
  });
}
