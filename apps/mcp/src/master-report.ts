// How the master's answers to operations are printed: one line per step, the agent's component lines under the
// step that called the agent, and the --json document `{master, response, …}`.
import type { JsonValue } from '@bufbuild/protobuf';
import type { ComponentResult, StepResult } from '@mcp/proto';
import { exitCodes, type ExitCode } from './errors.js';
import { componentLines, outcomeOf } from './operation-report.js';
import type { Output } from './output.js';

/** `  <step>: ok (detail)`, `  <step>: skipped (reason)` or `  <step>: failed: <error>`. */
export function masterStepLine(step: StepResult, indent = '  '): string {
  const outcome = outcomeOf(step);
  if (outcome === 'failed') return `${indent}${step.step}: failed: ${step.error === '' ? 'no reason given' : step.error}`;
  return `${indent}${step.step}: ${outcome}${step.detail === '' ? '' : ` (${step.detail})`}`;
}

/**
 * Every step of the master, in order; the components the agent reported follow the step named `agentStep`
 * (deploy, undeploy), two spaces further in, so it is clear which step they belong to.
 */
export function masterStepLines(steps: readonly StepResult[], components: readonly ComponentResult[], agentStep: string): string[] {
  const nested = componentLines(components).map((line) => `  ${line}`);
  const lines = steps.flatMap((step) => [masterStepLine(step), ...(step.step === agentStep ? nested : [])]);
  // An answer without the agent's step (refused early) still shows what the agent said.
  return steps.some((step) => step.step === agentStep) ? lines : [...lines, ...nested];
}

/** `{master, response}`: the --json document of a command that asked the master. */
export function masterDocument(address: string, response: JsonValue): { master: string; response: JsonValue } {
  return { master: address, response };
}

export interface MasterReport {
  /** The master's "host:port". */
  readonly address: string;
  /** The response as --json prints it (responseJson). */
  readonly response: JsonValue;
  readonly lines: readonly string[];
  readonly success: boolean;
  /** More top-level fields of the --json document (e.g. the definition file stop/start rewrote). */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

/** Prints the lines, or the --json document; exit 1 when the master reported a failed step. */
export function reportMasterOperation(output: Output, report: MasterReport): ExitCode {
  if (output.json) output.document({ ...masterDocument(report.address, report.response), ...report.extra });
  else for (const line of report.lines) output.line(line);
  return report.success ? exitCodes.ok : exitCodes.failed;
}
