// Bind mounts, `host:container[:opts]`: an absolute host path or a named volume, an absolute container path, known options.

export interface VolumeMount {
  source: string;
  target: string;
  options: string[];
}

export const VOLUME_OPTIONS = [
  'ro', 'rw', 'z', 'Z', 'U', 'O', 'copy', 'nocopy', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate',
  'unbindable', 'runbindable', 'exec', 'noexec', 'suid', 'nosuid', 'dev', 'nodev', 'bind', 'rbind', 'idmap',
] as const;

export const VOLUME_EXPECTED = `"host:container[:options]" with absolute paths (or a volume name as host) and options among ${VOLUME_OPTIONS.join(',')}`;

const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const isAbsolutePath = (path: string): boolean => path.startsWith('/') && !path.includes('\0');

export function parseVolumeMount(text: string): VolumeMount | undefined {
  const [source = '', target = '', options, extra] = text.split(':');
  if (extra !== undefined) return undefined;
  if (!isAbsolutePath(source) && !VOLUME_NAME.test(source)) return undefined;
  if (!isAbsolutePath(target)) return undefined;
  const optionList = options === undefined ? [] : options.split(',');
  if (!optionList.every((option) => (VOLUME_OPTIONS as readonly string[]).includes(option))) return undefined;
  return { source, target, options: optionList };
}
