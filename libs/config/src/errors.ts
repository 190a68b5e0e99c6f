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
