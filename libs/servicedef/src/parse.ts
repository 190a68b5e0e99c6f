// Turns the text of one definition file into a validated ServiceDefinition or the full list of its problems.
import { basename } from 'node:path';
import TOML from '@iarna/toml';
import { findDefinitionCapProblem, MAX_DEFINITION_CHARS } from './definition-caps.js';
import { createFieldReader } from './field-reader.js';
import { createProblemSink, makeProblem } from './problems.js';
import { locateKeys } from './toml-locate.js';
import type { DefinitionProblem, DefinitionResult, ServiceDefinition } from './types.js';
import { readService } from './validate-service.js';

export const TOML_EXPECTED = 'valid TOML (v0.5, https://toml.io/en/v0.5.0)';

/** The service name a file must declare: its base name without `.toml`. */
export function fileStem(file: string): string {
  return basename(file).replace(/\.toml$/, '');
}

/** A leading byte-order mark is legal in a UTF-8 file but not in TOML's grammar. */
export function stripByteOrderMark(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Parses TOML or returns the syntax problem, located by the parser. */
export function parseToml(text: string, file: string): { ok: true; value: Record<string, unknown> } | { ok: false; problem: DefinitionProblem } {
  try {
    return { ok: true, value: TOML.parse(stripByteOrderMark(text)) };
  } catch (error) {
    const details = error as { message?: unknown; line?: unknown; col?: unknown };
    const reason = String(details.message ?? error).split('\n')[0]?.replace(/ at row \d+, col \d+, pos \d+:$/, '') ?? '';
    const line = typeof details.line === 'number' ? details.line + 1 : undefined;
    const column = typeof details.col === 'number' ? ` at column ${details.col + 1}` : '';
    const fields = { file, keyPath: '', problem: `TOML syntax error${column}: ${reason}`, expected: TOML_EXPECTED };
    return { ok: false, problem: makeProblem(line === undefined ? fields : { ...fields, line }) };
  }
}

export function parseDefinition(text: string, file: string): DefinitionResult {
  if (text.length > MAX_DEFINITION_CHARS) {
    const problem = makeProblem({ file, keyPath: '', problem: `found ${text.length} characters`, expected: `a definition of at most ${MAX_DEFINITION_CHARS} characters` });
    return { ok: false, file, problems: [problem] };
  }
  const parsed = parseToml(text, file);
  if (!parsed.ok) return { ok: false, file, problems: [parsed.problem] };
  // Caps before the rules, so that no rule ever runs over a list or a string longer than the wire allows.
  const overCap = findDefinitionCapProblem(parsed.value);
  if (overCap !== undefined) return { ok: false, file, problems: [makeProblem({ file, ...overCap })] };
  const sink = createProblemSink(file, locateKeys(stripByteOrderMark(text)));
  const definition: ServiceDefinition = readService(createFieldReader(sink, parsed.value, []), fileStem(file));
  if (sink.problems.length > 0) return { ok: false, file, problems: sink.problems };
  return sink.warnings.length === 0 ? { ok: true, file, definition } : { ok: true, file, definition, warnings: sink.warnings };
}
