// Strictly typed reads of one TOML table: wrong types, unknown keys and missing keys become problems, never conversions.
import type { KeySegment } from './key-path.js';
import type { ProblemSink } from './problems.js';

export type TomlTable = Record<string, unknown>;

/** Returns a problem text (e.g. `found "x"`) when the value is not acceptable. */
export type ValueCheck<T> = (value: T, path: KeySegment[]) => string | undefined;

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isFloatLiteral(raw: string): boolean {
  const text = raw.trim();
  return /^[+-]?(inf|nan)$/.test(text) || (!/^[+-]?0[xob]/.test(text) && /[.eE]/.test(text));
}

/** Describes a parsed value the way the operator wrote it: `string "8443"`, `float 1.5`, `a table`. */
export function describeValue(value: unknown, raw?: string): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'number') {
    const isFloat = (raw !== undefined && isFloatLiteral(raw)) || !Number.isInteger(value);
    return isFloat ? `float ${raw?.trim() ?? String(value)}` : `integer ${value}`;
  }
  if (typeof value === 'bigint') return `integer ${value}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  if (value instanceof Date) return `date/time ${raw?.trim() ?? value.toISOString()}`;
  if (Array.isArray(value)) return 'an array';
  return 'a table';
}

export function quoteList(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The allowed key a typo most likely meant: at most two edits away, and not a whole different word. */
function closest(allowed: readonly string[], key: string): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(candidate, key);
    if (distance <= 2 && distance < Math.min(candidate.length, key.length) && (best === undefined || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

export interface FieldReader {
  readonly path: KeySegment[];
  /** The table as parsed. */
  readonly values: TomlTable;
  at(...keys: KeySegment[]): KeySegment[];
  has(key: string): boolean;
  report(keys: KeySegment[], problem: string, expected: string): void;
  /** Records a warning: the definition is valid, but says something the operator may not mean. */
  warn(keys: KeySegment[], warning: string): void;
  /** Reports every key not in `allowed`, with a suggestion when it looks like a typo. */
  knownKeys(allowed: readonly string[]): void;
  string(key: string, expected: string, options?: { required?: boolean; check?: ValueCheck<string> }): string | undefined;
  integer(key: string, bounds: { min: number; max: number; expected: string; required?: boolean }): number | undefined;
  boolean(key: string): boolean | undefined;
  /** A list of strings; each item is checked with `check` against `itemExpected`. */
  stringList(key: string, itemExpected: string, check?: ValueCheck<string>): string[] | undefined;
  table(key: string, expected: string): FieldReader | undefined;
  tableList(key: string, expected: string): FieldReader[] | undefined;
}

export function createFieldReader(sink: ProblemSink, table: TomlTable, path: KeySegment[]): FieldReader {
  const at = (...keys: KeySegment[]): KeySegment[] => [...path, ...keys];
  const wrongType = (keys: KeySegment[], value: unknown, expected: string): undefined => {
    sink.report(keys, `found ${describeValue(value, sink.raw(keys))}`, expected);
    return undefined;
  };
  const present = (key: string, expected: string, required: boolean | undefined): boolean => {
    if (Object.hasOwn(table, key)) return true;
    if (required) sink.report(at(key), 'missing', expected);
    return false;
  };
  const reader: FieldReader = {
    path,
    values: table,
    at,
    has: (key) => Object.hasOwn(table, key),
    report: (keys, problem, expected) => sink.report(at(...keys), problem, expected),
    warn: (keys, warning) => sink.warn(at(...keys), warning),
    knownKeys(allowed) {
      for (const key of Object.keys(table)) {
        if (allowed.includes(key)) continue;
        const near = closest(allowed, key.toLowerCase());
        const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
        sink.report(at(key), `unknown key${hint}`, `one of ${quoteList(allowed)}`);
      }
    },
    string(key, expected, options = {}) {
      if (!present(key, expected, options.required)) return undefined;
      const value = table[key];
      if (typeof value !== 'string') return wrongType(at(key), value, expected);
      const problem = options.check?.(value, at(key));
      if (problem !== undefined) {
        sink.report(at(key), problem, expected);
        return undefined;
      }
      return value;
    },
    integer(key, bounds) {
      if (!present(key, bounds.expected, bounds.required)) return undefined;
      const value = table[key];
      const raw = sink.raw(at(key));
      const isInteger = typeof value === 'number' && Number.isInteger(value) && !(raw !== undefined && isFloatLiteral(raw));
      if (!isInteger || value < bounds.min || value > bounds.max) return wrongType(at(key), value, bounds.expected);
      return value;
    },
    boolean(key) {
      if (!present(key, 'true or false', false)) return undefined;
      const value = table[key];
      return typeof value === 'boolean' ? value : wrongType(at(key), value, 'true or false');
    },
    stringList(key, itemExpected, check) {
      const expected = `a list of ${itemExpected}`;
      if (!present(key, expected, false)) return undefined;
      const value = table[key];
      if (!Array.isArray(value)) return wrongType(at(key), value, expected);
      let ok = true;
      value.forEach((item: unknown, index) => {
        const problem = typeof item === 'string' ? check?.(item, at(key, index)) : `found ${describeValue(item, sink.raw(at(key, index)))}`;
        if (problem === undefined) return;
        ok = false;
        sink.report(at(key, index), problem, itemExpected);
      });
      return ok ? (value as string[]) : undefined;
    },
    table(key, expected) {
      if (!present(key, expected, false)) return undefined;
      const value = table[key];
      return isTable(value) ? createFieldReader(sink, value, at(key)) : wrongType(at(key), value, expected);
    },
    tableList(key, expected) {
      if (!present(key, expected, false)) return undefined;
      const value = table[key];
      if (!Array.isArray(value)) return wrongType(at(key), value, expected);
      const readers: FieldReader[] = [];
      value.forEach((item: unknown, index) => {
        if (isTable(item)) readers.push(createFieldReader(sink, item, at(key, index)));
        else wrongType(at(key, index), item, expected);
      });
      return readers.length === value.length ? readers : undefined;
    },
  };
  return reader;
}
