// Collects definition problems with their file, key path, expectation and (when it can be found) line.
import { formatKeyPath, type KeySegment } from './key-path.js';
import type { TomlLocations } from './toml-locate.js';
import type { DefinitionProblem, DefinitionWarning } from './types.js';

export interface ProblemSink {
  /** Records one problem; `problem` says what is wrong (`found "8443"`), `expected` what would be right. */
  report(path: readonly KeySegment[], problem: string, expected: string): void;
  /** Records one warning: nothing is wrong, but the file says something the operator may not mean. */
  warn(path: readonly KeySegment[], warning: string): void;
  /** The value at `path` exactly as written in the file, when the scanner found it. */
  raw(path: readonly KeySegment[]): string | undefined;
  readonly problems: DefinitionProblem[];
  readonly warnings: DefinitionWarning[];
}

export function makeProblem(fields: { file: string; keyPath: string; problem: string; expected: string; line?: number }): DefinitionProblem {
  const where = fields.keyPath === '' ? fields.file : `${fields.file}: ${fields.keyPath}`;
  const lineNote = fields.line === undefined ? '' : ` (line ${fields.line})`;
  const message = `${where}: ${fields.problem}; expected ${fields.expected}${lineNote}`;
  const problem: DefinitionProblem = { file: fields.file, keyPath: fields.keyPath, expected: fields.expected, message };
  if (fields.line !== undefined) problem.line = fields.line;
  return problem;
}

/** `<file>: <keyPath>: <warning>` (+ ` (line N)`). */
export function makeWarning(fields: { file: string; keyPath: string; warning: string; line?: number }): DefinitionWarning {
  const where = fields.keyPath === '' ? fields.file : `${fields.file}: ${fields.keyPath}`;
  const message = `${where}: ${fields.warning}${fields.line === undefined ? '' : ` (line ${fields.line})`}`;
  return { file: fields.file, keyPath: fields.keyPath, message, ...(fields.line === undefined ? {} : { line: fields.line }) };
}

export function createProblemSink(file: string, locations: TomlLocations): ProblemSink {
  const problems: DefinitionProblem[] = [];
  const warnings: DefinitionWarning[] = [];
  // A missing key has no line of its own: point at the nearest enclosing table that is written down.
  const lineOf = (path: readonly KeySegment[]): number | undefined => {
    for (let length = path.length; length > 0; length--) {
      const entry = locations.get(formatKeyPath(path.slice(0, length)));
      if (entry) return entry.line;
    }
    return undefined;
  };
  return {
    problems,
    warnings,
    warn(path, warning) {
      const line = lineOf(path);
      const keyPath = formatKeyPath(path);
      warnings.push(makeWarning(line === undefined ? { file, keyPath, warning } : { file, keyPath, warning, line }));
    },
    report(path, problem, expected) {
      const line = lineOf(path);
      const keyPath = formatKeyPath(path);
      problems.push(makeProblem(line === undefined ? { file, keyPath, problem, expected } : { file, keyPath, problem, expected, line }));
    },
    raw(path) {
      return locations.get(formatKeyPath(path))?.raw;
    },
  };
}
