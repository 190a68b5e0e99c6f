// The CLI's error types and the one place that maps anything thrown to a message, code and exit code.
import { ServiceDefError } from '@mcp/servicedef';

/** Exit codes of `mcp` (SPEC 5): success, the operation failed, bad input or usage. */
export const exitCodes = { ok: 0, failed: 1, badInput: 2 } as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** Machine-readable error codes, printed as `{"error":{"code",...}}` under --json. */
export type FailureCode = 'usage' | 'config' | 'not_found' | 'invalid_input' | 'internal';

/** What the renderer prints for an error, and how the process exits. */
export interface Failure {
  readonly code: FailureCode;
  readonly message: string;
  readonly exitCode: ExitCode;
  /** One more line for people (never in --json output), e.g. where to find usage. */
  readonly hint?: string;
}

/** An error the CLI expects and knows how to explain; its message is shown as is. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: FailureCode,
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One problem in the CLI's config file, located like a service-definition problem. */
export interface ConfigProblem {
  readonly file: string;
  /** e.g. `nodes[1].address`; '' for whole-file problems such as TOML syntax. */
  readonly keyPath: string;
  readonly expected: string;
  /** `<file>: <keyPath>: <problem>; expected <expected>` (+ ` (line N)`). */
  readonly message: string;
  readonly line?: number;
}

/** The config file is missing (when named explicitly) or invalid; carries every problem found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
    options?: ErrorOptions,
  ) {
    super(problems.map((problem) => problem.message).join('\n'), options);
  }
}

/** A command line yargs refused (unknown command or option, missing argument). */
export function usageFailure(message: string): Failure {
  return { code: 'usage', message, exitCode: exitCodes.badInput, hint: 'Run "mcp --help" for usage.' };
}

/** Normalises anything a command threw into what the renderer prints (compare ConnectError.from). */
export function toFailure(error: unknown): Failure {
  if (error instanceof CliError) {
    return { code: error.code, message: error.message, exitCode: error.exitCode };
  }
  if (error instanceof ServiceDefError) {
    return { code: 'invalid_input', message: error.message, exitCode: exitCodes.badInput };
  }
  if (error instanceof ConfigError) {
    return { code: 'config', message: error.message, exitCode: exitCodes.badInput };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `unexpected error: ${message}`, exitCode: exitCodes.failed };
}
