// VM images are OCI images: pulled by podman, their /boot and /disk copied out once per image id into a cache.
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readFile, readdir, readlink, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { NotFoundError, runtimeError } from '../errors.js';
import type { RuntimeErrorKind } from '../errors.js';
import type { PodmanCommandError } from '../podman/podman-cli.js';
import { runPodman } from '../podman/podman-cli.js';

const BACKEND = 'qemu';
const DISK_NAME = /\.(img|qcow2|raw)$/;
const QCOW2_MAGIC = Buffer.from('QFI\xfb', 'latin1');
const ELF_MAGIC = Buffer.from('\x7fELF', 'latin1');
const MAX_LINKS = 16;

export interface DiskImage {
  readonly path: string;
  readonly format: 'qcow2' | 'raw';
}

/** What an image offers to boot, as absolute paths in the cache. */
export interface ImageContent {
  readonly imageId: string;
  readonly kernel?: string;
  readonly initrd?: string;
  readonly cmdline?: string;
  readonly disk?: DiskImage;
  /** With neither kernel nor disk: the image's ELF entry program, which ops could make a Nanos image of. */
  readonly program?: string;
}

export interface ImageStore {
  exists(reference: string): Promise<boolean>;
  pull(reference: string, options: { tlsVerify?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Copies out (once per image id) and describes what the image holds; NotFoundError when it is absent. */
  content(reference: string): Promise<ImageContent>;
}

/** How podman's pull failures read: unreachable registry, or no such image there. */
export function kindOfPullFailure(stderr: string): RuntimeErrorKind {
  if (/connection refused|no such host|i\/o timeout|network is unreachable|dial tcp|TLS handshake/i.test(stderr)) {
    return 'unavailable';
  }
  if (/manifest unknown|not found|name unknown|does not exist|requested access to the resource is denied/i.test(stderr)) {
    return 'not-found';
  }
  return 'failed';
}

/** Follows symlinks inside root only: an absolute link means the image's root, never the host's. */
async function resolveInside(root: string, path: string): Promise<string | undefined> {
  let current = path;
  for (let hops = 0; hops < MAX_LINKS; hops += 1) {
    const info = await lstat(current).catch(() => undefined);
    if (info === undefined) return undefined;
    if (!info.isSymbolicLink()) return info.isFile() ? current : undefined;
    const target = await readlink(current);
    current = isAbsolute(target) ? join(root, target) : join(dirname(current), target);
    const inside = relative(root, current);
    if (inside.startsWith('..') || isAbsolute(inside)) return undefined;
  }
  return undefined;
}

async function startsWith(path: string, magic: Buffer): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(magic.length);
    const { bytesRead } = await handle.read(head, 0, magic.length, 0);
    return bytesRead === magic.length && head.equals(magic);
  } finally {
    await handle.close();
  }
}

/** Reads the cache directory of one image: kernel first, then the first disk by name, then an ELF program. */
export async function describeContent(root: string, imageId: string): Promise<ImageContent> {
  const kernel =
    (await resolveInside(root, join(root, 'boot/vmlinux'))) ?? (await resolveInside(root, join(root, 'boot/vmlinuz')));
  const initrd = await resolveInside(root, join(root, 'boot/initrd.img'));
  const cmdlineFile = await resolveInside(root, join(root, 'boot/cmdline'));
  const cmdline = cmdlineFile === undefined ? undefined : (await readFile(cmdlineFile, 'utf8')).trim();
  const diskNames = (await readdir(join(root, 'disk')).catch(() => [])).filter((name) => DISK_NAME.test(name)).sort();
  let disk: DiskImage | undefined;
  for (const name of diskNames) {
    const path = await resolveInside(root, join(root, 'disk', name));
    if (path === undefined) continue;
    disk = { path, format: (await startsWith(path, QCOW2_MAGIC)) ? 'qcow2' : 'raw' };
    break;
  }
  const programFile = await resolveInside(root, join(root, 'program'));
  const program = programFile !== undefined && (await startsWith(programFile, ELF_MAGIC)) ? programFile : undefined;
  return {
    imageId,
    ...(kernel === undefined ? {} : { kernel }),
    ...(initrd === undefined ? {} : { initrd }),
    ...(cmdline === undefined || cmdline === '' ? {} : { cmdline }),
    ...(disk === undefined ? {} : { disk }),
    ...(kernel === undefined && disk === undefined && program !== undefined ? { program } : {}),
  };
}

interface ImageConfig {
  readonly Id?: string;
  readonly Config?: { readonly Entrypoint?: string[] | null; readonly Cmd?: string[] | null };
}

export function createImageStore(options: { imagesDir: string; podmanPath?: string }): ImageStore {
  const podman = (args: string[], signal?: AbortSignal): ReturnType<typeof runPodman> =>
    runPodman(args, { ...(options.podmanPath === undefined ? {} : { podmanPath: options.podmanPath }), signal });

  async function inspect(reference: string): Promise<ImageConfig> {
    try {
      const { stdout } = await podman(['image', 'inspect', '--format', 'json', reference]);
      const [config] = JSON.parse(stdout) as ImageConfig[];
      if (config?.Id === undefined) throw new Error(`podman image inspect ${reference} gave no id`);
      return config;
    } catch (error) {
      if (/image not known|no such image/i.test((error as PodmanCommandError).stderr ?? '')) {
        throw new NotFoundError({ backend: BACKEND, target: reference, operation: 'find image', detail: 'image not known', cause: error });
      }
      throw runtimeError({
        kind: 'unavailable', backend: BACKEND, target: reference, operation: 'inspect image', detail: (error as Error).message, cause: error,
      });
    }
  }

  /** podman cp of one path, or false when the image has no such path. */
  async function copyOut(container: string, source: string, destination: string): Promise<boolean> {
    try {
      await podman(['cp', `${container}:${source}`, destination]);
      return true;
    } catch (error) {
      if (/could not be found|no such file or directory/i.test((error as PodmanCommandError).stderr ?? '')) return false;
      throw error;
    }
  }

  async function extract(reference: string, config: ImageConfig, target: string): Promise<void> {
    const work = join(options.imagesDir, `.extract-${randomUUID()}`);
    const container = `mcp-vm-extract-${randomUUID().slice(0, 12)}`;
    await mkdir(work, { recursive: true });
    try {
      // A created container is never started; its command only has to exist as words.
      await podman(['create', '--name', container, '--entrypoint', '/mcp-vm-extract', reference]);
      try {
        const boot = await copyOut(container, '/boot', join(work, 'boot'));
        const disk = await copyOut(container, '/disk', join(work, 'disk'));
        const entry = [...(config.Config?.Entrypoint ?? []), ...(config.Config?.Cmd ?? [])][0];
        if (!boot && !disk && entry !== undefined && entry.startsWith('/')) await copyOut(container, entry, join(work, 'program'));
      } finally {
        await podman(['rm', '--force', container]).catch(() => undefined);
      }
      // Atomic: a cache directory exists only complete; a concurrent extraction of the same image loses the race harmlessly.
      await rename(work, target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST' && error.code !== 'ENOTEMPTY') throw error;
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  return {
    async exists(reference) {
      try {
        await podman(['image', 'exists', reference]);
        return true;
      } catch (error) {
        if ((error as PodmanCommandError).exitCode === 1) return false;
        throw runtimeError({
          kind: 'unavailable', backend: BACKEND, target: reference, operation: 'check image', detail: (error as Error).message, cause: error,
        });
      }
    },
    async pull(reference, pullOptions) {
      const tls = pullOptions.tlsVerify === false ? ['--tls-verify=false'] : [];
      try {
        await podman(['pull', '--quiet', ...tls, reference], pullOptions.signal);
      } catch (error) {
        const stderr = (error as PodmanCommandError).stderr ?? '';
        throw runtimeError({
          kind: kindOfPullFailure(stderr), backend: BACKEND, target: reference, operation: 'pull image',
          detail: stderr.trim() || (error as Error).message, cause: error,
        });
      }
    },
    async content(reference) {
      const config = await inspect(reference);
      const imageId = config.Id ?? '';
      const root = join(options.imagesDir, imageId);
      const cached = await lstat(root).then(() => true, () => false);
      if (!cached) {
        try {
          await extract(reference, config, root);
        } catch (error) {
          throw runtimeError({
            kind: 'failed', backend: BACKEND, target: reference, operation: 'copy boot files out of image',
            detail: (error as Error).message, cause: error,
          });
        }
      }
      return describeContent(root, imageId);
    },
  };
}
