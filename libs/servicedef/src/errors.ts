// Typed errors of @mcp/servicedef: a definition that cannot be used, with every problem found in it.
import type { DefinitionProblem, DefinitionResult, ServiceDefinition } from './types.js';

export class ServiceDefError extends Error {
  override readonly name = 'ServiceDefError';
  readonly file: string;
  readonly problems: readonly DefinitionProblem[];

  constructor(file: string, problems: readonly DefinitionProblem[], options?: { cause?: unknown }) {
    super(problems.length === 0 ? `${file}: invalid service definition` : problems.map((problem) => problem.message).join('\n'), options);
    this.file = file;
    this.problems = problems;
  }
}

/** The definition of a successful result; a failed one is thrown as a ServiceDefError. */
export function definitionOrThrow(result: DefinitionResult): ServiceDefinition {
  if (result.ok) return result.definition;
  throw new ServiceDefError(result.file, result.problems);
}
