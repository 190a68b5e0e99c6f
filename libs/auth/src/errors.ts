// Typed errors of @mcp/auth; RPC-facing refusals are ConnectErrors made in the interceptors.

export interface TokenFileProblem {
  /** Where in the file: `tokens[2].sha256`, or `` for the file as a whole. */
  readonly keyPath: string;
  readonly problem: string;
}

/** The token file is missing, unreadable, unsafe or malformed; lists every problem found at once. */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
  readonly file: string;
  readonly problems: readonly TokenFileProblem[];

  constructor(file: string, problems: readonly TokenFileProblem[], options?: { cause?: unknown }) {
    super(formatProblems(file, problems), options);
    this.file = file;
    this.problems = problems;
  }
}

function formatProblems(file: string, problems: readonly TokenFileProblem[]): string {
  const lines = problems.map((p) => (p.keyPath === '' ? `${file}: ${p.problem}` : `${file}: ${p.keyPath}: ${p.problem}`));
  return lines.join('\n');
}
