// Typed errors of config loading: every problem names the file, the key and what was expected.

export interface ConfigProblem {
  /** The config file, or the environment variable the value came from. */
  readonly source: string;
  /** Key path such as `server.listen` or `nodes[1].address`; '' for the whole file. */
  readonly keyPath: string;
  readonly expected: string;
  /** A full sentence: `<source>: <keyPath>: <problem>; expected <expected>`. */
  readonly message: string;
}

/** A key the schema does not know: ignored, reported so the operator sees a typo or a key of another version. */
export interface ConfigWarning {
  /** The config file. */
  readonly source: string;
  /** Key path such as `nodes[0].ssh`. */
  readonly keyPath: string;
  /** A full sentence: `<source>: <keyPath>: unknown key, ignored (…)`. */
  readonly message: string;
}

export function unknownKeyWarning(source: string, keyPath: string, known: readonly string[]): ConfigWarning {
  return { source, keyPath, message: `${source}: ${keyPath}: unknown key, ignored (known keys here: ${known.join(', ')})` };
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options: { cause?: unknown } = {}) {
    super(problems.map((p) => p.message).join('\n'), { cause: options.cause });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function problem(source: string, keyPath: string, what: string, expected: string): ConfigProblem {
  const where = keyPath === '' ? source : `${source}: ${keyPath}`;
  return { source, keyPath, expected, message: `${where}: ${what}; expected ${expected}` };
}
