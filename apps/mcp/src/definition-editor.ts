// `mcp service edit`: the operator's definition file goes through their editor on a copy; the file itself is
// replaced only by an edit that validates, so a typo never reaches the services dir.
import { parseDefinition, writeDefinitionFile } from '@mcp/servicedef';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CliError, exitCodes } from './errors.js';

export type EditOutcome =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'saved' }
  /** The edit did not validate: the file is untouched, the edit kept at `keptIn`. */
  | { readonly kind: 'invalid'; readonly problems: readonly string[]; readonly keptIn: string };

export interface EditRequest {
  /** The operator's file, `<services dir>/<service>.toml`. */
  readonly file: string;
  readonly service: string;
  /** A shell word list (`vi`, `code --wait`): run as `sh -c '<editor> "$1"'`, as git runs $EDITOR. */
  readonly editor: string;
}

export async function editDefinitionFile(request: EditRequest): Promise<EditOutcome> {
  const info = await stat(request.file).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new CliError(
      'not_found',
      `${request.file}: no definition for service ${request.service}; expected a file there (mcp service export ${request.service} writes the recorded one)`,
      exitCodes.badInput,
    );
  }
  const original = await readFile(request.file, 'utf8');
  const dir = await mkdtemp(join(tmpdir(), `mcp-edit-${request.service}-`));
  const copy = join(dir, basename(request.file));
  await copyFile(request.file, copy);
  let keep = false;
  try {
    await runEditor(request.editor, copy);
    const edited = await readFile(copy, 'utf8');
    if (edited === original) return { kind: 'unchanged' };
    // Checked under the operator's file name: the stem rule and every message name the file being edited.
    const result = parseDefinition(edited, request.file);
    if (!result.ok) {
      keep = true;
      return { kind: 'invalid', problems: result.problems.map((problem) => problem.message), keptIn: copy };
    }
    await writeDefinitionFile(request.file, edited, info.mode & 0o7777);
    return { kind: 'saved' };
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

function runEditor(editor: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
    child.on('error', (error) =>
      reject(new CliError('failed', `cannot run the editor ${JSON.stringify(editor)} (${error.message}); set VISUAL or EDITOR`, exitCodes.failed, { cause: error })),
    );
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new CliError('failed', `the editor ${JSON.stringify(editor)} exited with ${signal ?? String(code)}; the definition was not changed`, exitCodes.failed));
    });
  });
}
