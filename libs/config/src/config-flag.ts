// Which config file a daemon reads: `--config FILE` on its command line, else what its environment names.

/** `--config FILE` wins; without it, `fallback` (the daemon's variable, else its default path). */
export function configPathFromArgs(argv: readonly string[], fallback: () => string): string {
  const flag = argv.indexOf('--config');
  if (flag < 0) return fallback();
  const value = argv[flag + 1];
  if (value === undefined || value.startsWith('-')) throw new Error('--config needs a file path');
  return value;
}
