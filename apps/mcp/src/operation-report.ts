// Lines that report what an operation did to each component (deploy, stop, start, restart, undeploy,
// recover): `  <component>: ok` or the error, then the steps that failed or were skipped.
import type { JsonValue } from '@bufbuild/protobuf';
import { ResultStatus, type ComponentResult, type StepResult } from '@mcp/proto';
import type { NodeEntry } from './config.js';
import { exitCodes, type ExitCode } from './errors.js';
import { nodeDocument } from './node-documents.js';
import type { Output } from './output.js';

type Outcome = 'ok' | 'failed' | 'skipped';

/** Status as sent, or derived from `success` when an agent leaves it unset. */
export function outcomeOf(item: { status: ResultStatus; success: boolean }): Outcome {
  if (item.status === ResultStatus.SKIPPED) return 'skipped';
  if (item.status === ResultStatus.FAILED) return 'failed';
  if (item.status === ResultStatus.OK) return 'ok';
  return item.success ? 'ok' : 'failed';
}

/** One line per component (two-space indent), each followed by its failed and skipped steps. */
export function componentLines(results: readonly ComponentResult[]): string[] {
  return results.flatMap((result) => [`  ${result.name}: ${headline(outcomeOf(result), result.error)}`, ...stepLines(result.steps, '    ')]);
}

/** The steps worth a line: failures with their error, skips with their reason; done steps are implied. */
export function stepLines(steps: readonly StepResult[], indent: string): string[] {
  return steps.flatMap((step) => {
    const outcome = outcomeOf(step);
    if (outcome === 'failed') return [`${indent}${step.step}: failed: ${step.error === '' ? 'no reason given' : step.error}`];
    if (outcome === 'skipped') return [`${indent}${step.step}: skipped${step.detail === '' ? '' : ` (${step.detail})`}`];
    return [];
  });
}

/** `ok`, `skipped`, or the error itself (`failed` when the agent gave none). */
export function headline(outcome: Outcome, error: string, detail = ''): string {
  if (outcome === 'ok') return detail === '' ? 'ok' : `ok (${detail})`;
  if (outcome === 'skipped') return detail === '' ? 'skipped' : `skipped (${detail})`;
  return error === '' ? 'failed' : error;
}

/**
 * Prints an operation's answer from one node: `{node, address, response, …extra}` under --json, the
 * lines otherwise. Exit 1 when the agent reported a failure (it answered, but not everything worked).
 */
export function reportOperation(output: Output, report: OperationReport): ExitCode {
  if (output.json) output.document({ ...nodeDocument(report.node, report.response), ...report.extra });
  else for (const line of report.lines) output.line(line);
  return report.success ? exitCodes.ok : exitCodes.failed;
}

export interface OperationReport {
  readonly node: NodeEntry;
  /** The response as --json prints it (responseJson). */
  readonly response: JsonValue;
  readonly lines: readonly string[];
  readonly success: boolean;
  /** More top-level fields of the --json document (e.g. the definition file stop/start rewrote). */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

/** RESULT column of adopt and purge: `ok`, `failed`, `skipped`; `would` instead of `ok` on a dry run. */
export function resultWord(status: ResultStatus, dryRun: boolean): string {
  if (status === ResultStatus.FAILED) return 'failed';
  if (status === ResultStatus.SKIPPED) return 'skipped';
  return dryRun ? 'would' : 'ok';
}
