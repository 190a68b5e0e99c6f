// Reads definition files and directories from disk and resolves `mcp` arguments to files.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceDefError } from './errors.js';
import { parseDefinition } from './parse.js';
import { makeProblem } from './problems.js';
import type { DefinitionResult } from './types.js';

export async function loadDefinitionFile(path: string): Promise<DefinitionResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const problem = `cannot read the file (${(error as Error).message})`;
    return { ok: false, file: path, problems: [makeProblem({ file: path, keyPath: '', problem, expected: 'a readable service definition file' })] };
  }
  return parseDefinition(text, path);
}

/** Every `*.toml` file of `dir` (hidden files skipped), in name order; a missing directory is a ServiceDefError. */
export async function loadDefinitionDir(dir: string): Promise<DefinitionResult[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    const problem = makeProblem({ file: dir, keyPath: '', problem: `cannot read the services directory (${(cause as Error).message})`, expected: 'a readable directory of <service>.toml files' });
    throw new ServiceDefError(dir, [problem], { cause });
  }
  const files: string[] = [];
  for (const name of names.filter((entry) => entry.endsWith('.toml') && !entry.startsWith('.')).sort()) {
    // Symlinks are followed; a directory named *.toml is skipped, an unreadable entry is reported as a problem.
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info === undefined || info.isFile()) files.push(join(dir, name));
  }
  return Promise.all(files.map((file) => loadDefinitionFile(file)));
}

/** A path (it contains "/" or ends with .toml) is used as is; a bare service name is `<servicesDir>/<name>.toml`. */
export function resolveDefinitionPath(servicesDir: string, nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.toml')) return nameOrPath;
  return join(servicesDir, `${nameOrPath}.toml`);
}
