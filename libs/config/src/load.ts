// Loads a TOML config against a schema: strict types, environment overrides, every problem reported at once, the
// result frozen. An unknown key is a warning (SPEC §5: another version's key must not stop a daemon or the CLI).
import TOML from '@iarna/toml';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, problem, unknownKeyWarning, type ConfigProblem, type ConfigWarning } from './errors.js';
import type { Field, FieldContext, Schema, TableList } from './fields.js';

export type ConfigOf<S extends Schema> = {
  readonly [K in keyof S]: S[K] extends Field<infer T>
    ? T
    : S[K] extends TableList<infer F>
      ? readonly ConfigOf<F>[]
      : S[K] extends Schema
        ? ConfigOf<S[K]>
        : never;
};

export interface ParseOptions {
  /** TOML text; '' for "no file". */
  text: string;
  /** Name used in messages (the file path, or a description such as "defaults"). */
  source: string;
  /** Environment variables (passed in: only an app's config.ts reads process.env). */
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  /** Directory relative paths are resolved against: the config file's directory. */
  baseDir: string;
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

function isField(entry: unknown): entry is Field<unknown> {
  return isTable(entry) && entry['kind'] === 'field';
}

function isTableList(entry: unknown): entry is TableList<Schema> {
  return isTable(entry) && entry['kind'] === 'tables';
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

interface Walk {
  source: string;
  env: ParseOptions['env'];
  context: FieldContext;
  problems: ConfigProblem[];
  warnings: ConfigWarning[];
}

function readField(walk: Walk, field: Field<unknown>, value: unknown, keyPath: string): unknown {
  const envName = field.env;
  const envText = envName === undefined ? undefined : walk.env[envName];
  if (envName !== undefined && envText !== undefined && envText !== '') {
    const parsed = field.parseEnv(envText, { ...walk.context, baseDir: process.cwd() });
    if (parsed.ok) return parsed.value;
    walk.problems.push(problem(`environment variable ${envName}`, keyPath, parsed.what, field.expected));
    return undefined;
  }
  if (value === undefined) {
    if (field.fallback !== undefined) return field.fallback(walk.context);
    if (!field.optional) walk.problems.push(problem(walk.source, keyPath, 'missing', field.expected));
    return undefined;
  }
  const parsed = field.parse(value, walk.context);
  if (parsed.ok) return parsed.value;
  walk.problems.push(problem(walk.source, keyPath, parsed.what, field.expected));
  return undefined;
}

function readTable(walk: Walk, schema: Schema, table: Table, prefix: string): Table {
  const result: Table = {};
  for (const key of Object.keys(table)) {
    if (!(key in schema)) walk.warnings.push(unknownKeyWarning(walk.source, join(prefix, key), Object.keys(schema)));
  }
  for (const [key, entry] of Object.entries(schema)) {
    const keyPath = join(prefix, key);
    const value = table[key];
    if (isField(entry)) {
      result[key] = readField(walk, entry, value, keyPath);
    } else if (isTableList(entry)) {
      if (value === undefined) {
        result[key] = Object.freeze([]);
      } else if (!Array.isArray(value) || !value.every(isTable)) {
        walk.problems.push(problem(walk.source, keyPath, 'not an array of tables', `[[${keyPath}]] tables`));
      } else {
        result[key] = Object.freeze(value.map((item, i) => readTable(walk, entry.fields, item, `${keyPath}[${i}]`)));
      }
    } else if (value !== undefined && !isTable(value)) {
      walk.problems.push(problem(walk.source, keyPath, 'not a table', `a [${keyPath}] table`));
    } else {
      result[key] = readTable(walk, entry, value ?? {}, keyPath);
    }
  }
  return Object.freeze(result);
}

function parseToml(text: string, source: string): Table {
  try {
    return TOML.parse(text) as Table;
  } catch (error) {
    const e = error as Error & { line?: number; col?: number };
    const at = e.line === undefined ? '' : ` at line ${e.line + 1}, column ${(e.col ?? 0) + 1}`;
    const what = `TOML syntax error${at}: ${e.message.split('\n')[0]}`;
    throw new ConfigError([problem(source, '', what, 'valid TOML')], { cause: error });
  }
}

/** A parsed config and the unknown keys it ignored. */
export interface ParsedConfig<S extends Schema> {
  readonly config: ConfigOf<S>;
  readonly warnings: readonly ConfigWarning[];
}

/** Parses config text against `schema`; throws ConfigError listing every problem (a wrong type is one). */
export function parseConfig<S extends Schema>(schema: S, options: ParseOptions): ParsedConfig<S> {
  const table = parseToml(options.text, options.source);
  const walk: Walk = {
    source: options.source,
    env: options.env,
    context: { baseDir: options.baseDir, homedir: options.homedir },
    problems: [],
    warnings: [],
  };
  const result = readTable(walk, schema, table, '');
  if (walk.problems.length > 0) throw new ConfigError(walk.problems);
  return { config: result as ConfigOf<S>, warnings: Object.freeze(walk.warnings) };
}

export interface LoadOptions {
  path: string;
  /** When false, a missing file means "all defaults". */
  required: boolean;
  env: ParseOptions['env'];
  homedir: string;
}

/** Reads and parses a config file; `file` is undefined when it was absent and not required. */
export async function loadConfigFile<S extends Schema>(
  schema: S,
  options: LoadOptions,
): Promise<{ config: ConfigOf<S>; file: string | undefined; warnings: readonly ConfigWarning[] }> {
  let text = '';
  let file: string | undefined = options.path;
  try {
    text = await readFile(options.path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing || options.required) {
      const what = missing ? 'file not found' : `cannot read the file (${(error as Error).message})`;
      throw new ConfigError([problem(options.path, '', what, 'a readable TOML config file')], { cause: error });
    }
    file = undefined;
  }
  const { config, warnings } = parseConfig(schema, {
    text,
    source: file ?? `defaults (no ${options.path})`,
    env: options.env,
    homedir: options.homedir,
    baseDir: dirname(options.path),
  });
  return { config, file, warnings };
}
