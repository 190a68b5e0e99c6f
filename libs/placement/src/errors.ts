// Typed error for malformed placement input: a caller's bug, unlike "cannot place", which is a decision.

export class PlacementInputError extends Error {
  override readonly name = 'PlacementInputError';
  /** Path of the offending value in the input, like `nodes[3].containers`. */
  readonly field: string;
  /** What was wrong and what was expected. */
  readonly problem: string;

  constructor(field: string, problem: string) {
    super(`invalid placement input at ${field}: ${problem}`);
    this.field = field;
    this.problem = problem;
  }
}
