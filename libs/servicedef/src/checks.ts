// Small value checks shared by the table validators: enumerations, relative paths, single words.
import type { ValueCheck } from './field-reader.js';

export function oneOf(values: readonly string[]): ValueCheck<string> {
  return (value) => (values.includes(value) ? undefined : `found ${JSON.stringify(value)}`);
}

export const RELATIVE_PATH_EXPECTED = 'a non-empty relative path without ".." segments';

/** Paths that must stay inside a directory MCP owns (`/srv/<service>/`, the build workspace). */
export const checkRelativePath: ValueCheck<string> = (value) => {
  if (value === '') return 'found ""';
  if (value.startsWith('/')) return `found ${JSON.stringify(value)}, an absolute path`;
  if (value.includes('\0')) return `found ${JSON.stringify(value)}, which contains a NUL character`;
  if (value.split('/').includes('..')) return `found ${JSON.stringify(value)}, which leaves the directory`;
  return undefined;
};

export const BUILD_PATH_EXPECTED = 'a non-empty relative path to the source dir, from the build workspace (it may climb out with "..")';

/** A service's `path`: relative to the CLI's build workspace, which real files leave (`path = '../mcq'`). */
export const checkBuildPath: ValueCheck<string> = (value) => {
  if (value === '') return 'found ""';
  if (value.startsWith('/')) return `found ${JSON.stringify(value)}, an absolute path`;
  if (value.includes('\0')) return `found ${JSON.stringify(value)}, which contains a NUL character`;
  return undefined;
};

export const WORD_EXPECTED = 'a non-empty string without spaces';

export const checkWord: ValueCheck<string> = (value) =>
  value !== '' && !/\s/.test(value) ? undefined : `found ${JSON.stringify(value)}`;
