// Field descriptions of a config schema: type, default, unit, environment override and documentation.
import { isAbsolute, join, resolve } from 'node:path';

/** What a field's parser sees: where the value came from, and how to resolve paths. */
export interface FieldContext {
  readonly baseDir: string;
  readonly homedir: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; what: string };

export interface Field<T> {
  readonly kind: 'field';
  readonly doc: string;
  readonly expected: string;
  /** Environment variable that overrides the file's value. */
  readonly env: string | undefined;
  /** Value when neither file nor environment gives one; undefined means "required" unless optional. */
  readonly fallback: ((context: FieldContext) => T) | undefined;
  readonly optional: boolean;
  parse(value: unknown, context: FieldContext): Parsed<T>;
  /** Parses an environment variable's text. */
  parseEnv(text: string, context: FieldContext): Parsed<T>;
}

export interface TableList<S extends Schema> {
  readonly kind: 'tables';
  readonly doc: string;
  readonly fields: S;
}

export interface Schema {
  readonly [key: string]: Field<unknown> | TableList<Schema> | Schema;
}

interface Common<T> {
  doc: string;
  default?: T;
  env?: string;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (value !== null && typeof value === 'object') return 'a table';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function make<T>(
  common: Common<T>,
  expected: string,
  parse: (value: unknown, context: FieldContext) => Parsed<T>,
  parseEnv: (text: string, context: FieldContext) => Parsed<T>,
  optional = false,
  fallback: ((context: FieldContext) => T) | undefined = common.default === undefined
    ? undefined
    : () => common.default as T,
): Field<T> {
  return {
    kind: 'field',
    doc: common.doc,
    expected,
    env: common.env,
    fallback,
    optional,
    parse,
    parseEnv,
  };
}

const wrong = (value: unknown): { ok: false; what: string } => ({ ok: false, what: `got ${describeValue(value)}` });

/** A string, optionally one of a fixed set. */
export function string<T extends string = string>(
  common: Common<T> & { oneOf?: readonly T[]; nonEmpty?: boolean; pattern?: RegExp; patternText?: string },
): Field<T> {
  const expected = common.oneOf
    ? `one of ${common.oneOf.map((v) => JSON.stringify(v)).join(', ')}`
    : (common.patternText ?? (common.nonEmpty ? 'a non-empty string' : 'a string'));
  const check = (value: unknown): Parsed<T> => {
    if (typeof value !== 'string') return wrong(value);
    if (common.oneOf && !common.oneOf.includes(value as T)) return wrong(value);
    if (common.nonEmpty && value === '') return { ok: false, what: 'got an empty string' };
    if (common.pattern && !common.pattern.test(value)) return wrong(value);
    return { ok: true, value: value as T };
  };
  return make(common, expected, check, check);
}

/** An optional string: absent means undefined. */
export function optionalString(common: Omit<Common<string>, 'default'>): Field<string | undefined> {
  const check = (value: unknown): Parsed<string | undefined> =>
    typeof value === 'string' ? { ok: true, value: value === '' ? undefined : value } : wrong(value);
  return make<string | undefined>(common, 'a string', check, check, true);
}

/** A whole number within bounds; the unit belongs in the key's name or doc. */
export function integer(common: Common<number> & { min?: number; max?: number }): Field<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = common;
  const expected = `a whole number from ${min} to ${max}`;
  const check = (value: unknown): Parsed<number> =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? { ok: true, value }
      : wrong(value);
  return make(common, expected, check, (text) => (/^-?\d+$/.test(text.trim()) ? check(Number(text)) : wrong(text)));
}

export function boolean(common: Common<boolean>): Field<boolean> {
  const check = (value: unknown): Parsed<boolean> => (typeof value === 'boolean' ? { ok: true, value } : wrong(value));
  return make(common, 'true or false', check, (text) =>
    text === 'true' ? { ok: true, value: true } : text === 'false' ? { ok: true, value: false } : wrong(text),
  );
}

/** A list of strings; from the environment, a JSON array of strings. */
export function stringList(common: Common<readonly string[]>): Field<readonly string[]> {
  const check = (value: unknown): Parsed<readonly string[]> =>
    Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? { ok: true, value: Object.freeze([...(value as string[])]) }
      : wrong(value);
  return make(common, 'a list of strings', check, (text) => {
    try {
      return check(JSON.parse(text));
    } catch {
      return { ok: false, what: `got ${JSON.stringify(text)}, which is not a JSON list of strings` };
    }
  });
}

/** Resolves `~` to the home directory and a relative path against the config file's directory. */
export function resolvePath(path: string, context: FieldContext): string {
  if (path === '~') return context.homedir;
  if (path.startsWith('~/')) return join(context.homedir, path.slice(2));
  return isAbsolute(path) ? path : resolve(context.baseDir, path);
}

/** A filesystem path; a default is resolved like a written value (`~/.config/mcp` works). */
export function path(common: Common<string>): Field<string>;
export function path(common: Omit<Common<string>, 'default'> & { optional: true }): Field<string | undefined>;
export function path(common: Common<string> & { optional?: boolean }): Field<string | undefined> {
  const optional = common.optional ?? false;
  const check = (value: unknown, context: FieldContext): Parsed<string | undefined> => {
    if (typeof value !== 'string') return wrong(value);
    if (value === '') return optional ? { ok: true, value: undefined } : { ok: false, what: 'got an empty path' };
    return { ok: true, value: resolvePath(value, context) };
  };
  const fallbackPath = common.default;
  const fallback =
    fallbackPath === undefined ? undefined : (context: FieldContext) => resolvePath(fallbackPath, context);
  return make<string | undefined>(common, 'a path', check, check, optional, fallback);
}

/** An array of tables (`[[nodes]]`), each checked against `fields`. */
export function tables<S extends Schema>(doc: string, fields: S): TableList<S> {
  return { kind: 'tables', doc, fields };
}
