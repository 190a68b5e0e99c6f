// Sets the top-level `active` of a definition file without reformatting it (`mcp stop` / `mcp start`).
import { readFile, stat } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { writeDefinitionFile } from './atomic-write.js';
import { ServiceDefError } from './errors.js';
import { parseToml } from './parse.js';
import { makeProblem } from './problems.js';
import { locateKeys } from './toml-locate.js';

const withoutActive = (table: Record<string, unknown>): Record<string, unknown> => {
  const copy = { ...table };
  delete copy['active'];
  return copy;
};

function editError(file: string, keyPath: string, problem: string, expected: string): ServiceDefError {
  return new ServiceDefError(file, [makeProblem({ file, keyPath, problem, expected })]);
}

function editActive(text: string, active: boolean, file: string): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(bom.length);
  const before = parseToml(body, file);
  if (!before.ok) throw new ServiceDefError(file, [before.problem]);
  const locations = locateKeys(body);
  const current = locations.get('active');
  let edited: string;
  if (current?.kind === 'key') {
    edited = body.slice(0, current.valueStart) + String(active) + body.slice(current.valueEnd);
  } else {
    const name = locations.get('name');
    if (name?.kind !== 'key') throw editError(file, 'name', 'missing', 'a top-level name line, after which active is added');
    // The new line goes after the whole name line (its comment included) and copies its indentation and line ending.
    const lineStart = body.lastIndexOf('\n', name.keyStart - 1) + 1;
    const indent = /^[ \t]*/.exec(body.slice(lineStart))?.[0] ?? '';
    const newline = body.indexOf('\n', name.valueEnd);
    const eol = newline > 0 && body[newline - 1] === '\r' ? '\r\n' : '\n';
    const line = `${indent}active = ${active}`;
    edited = newline < 0 ? `${body}${eol}${line}` : `${body.slice(0, newline + 1)}${line}${eol}${body.slice(newline + 1)}`;
  }
  const after = parseToml(edited, file);
  if (!after.ok || after.value['active'] !== active || !isDeepStrictEqual(withoutActive(after.value), withoutActive(before.value))) {
    throw editError(file, 'active', 'cannot be set without changing other values (the file was left as it is)', 'a top-level boolean active key, or none');
  }
  return bom + edited;
}

/** Byte-preserving: only the value of the top-level `active` changes, or one `active = …` line is added after `name`. */
export function setActiveInText(text: string, active: boolean): string {
  return editActive(text, active, '<text>');
}

/** Edits the file in place through a temporary file and a rename, so a crash leaves the old or the new file. */
export async function setActiveInFile(path: string, active: boolean): Promise<void> {
  let text: string;
  let mode: number;
  try {
    text = await readFile(path, 'utf8');
    mode = (await stat(path)).mode & 0o7777;
  } catch (cause) {
    const problem = makeProblem({ file: path, keyPath: '', problem: `cannot read the file (${(cause as Error).message})`, expected: 'a readable service definition file' });
    throw new ServiceDefError(path, [problem], { cause });
  }
  const edited = editActive(text, active, path);
  if (edited === text) return;
  await writeDefinitionFile(path, edited, mode);
}
