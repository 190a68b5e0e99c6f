// StepResult builders for the fleet operations' answers: every step is OK, FAILED or SKIPPED with its reason.
import { create } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { ResultStatus, StepResultSchema, type StepResult } from '@mcp/proto';

export function stepOk(step: string, detail: string): StepResult {
  return create(StepResultSchema, { step, success: true, status: ResultStatus.OK, detail });
}

export function stepFailed(step: string, error: string): StepResult {
  return create(StepResultSchema, { step, success: false, status: ResultStatus.FAILED, error });
}

/** Not a failure and not a success: the step did not apply or was not attempted; `detail` says why. */
export function stepSkipped(step: string, detail: string): StepResult {
  return create(StepResultSchema, { step, success: true, status: ResultStatus.SKIPPED, detail });
}

/** The first failure among the steps, as `<step>: <error>`; undefined when none failed. */
export function firstFailure(steps: readonly StepResult[]): string | undefined {
  const failed = steps.find((step) => step.status === ResultStatus.FAILED);
  return failed === undefined ? undefined : `${failed.step}: ${failed.error}`;
}

/** Message of anything thrown, for a step's error text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Message of anything thrown by a call to an agent: a ConnectError's own text without its code prefix. */
export function callErrorText(error: unknown): string {
  return error instanceof ConnectError ? error.rawMessage : errorText(error);
}
