// Helpers of the fleet operation tests: steps as [name, status] pairs, and the FleetError an operation fails with.
import { ResultStatus, type StepResult } from '@mcp/proto';
import { FleetError } from '../fleet-errors.js';

/** Each step as `[step, "OK" | "FAILED" | "SKIPPED"]`, in order. */
export function statuses(steps: readonly StepResult[]): [string, string][] {
  return steps.map((step) => [step.step, ResultStatus[step.status]]);
}

/** The FleetError the operation rejects with; anything else (or success) fails the test. */
export async function failureOf(operation: Promise<unknown>): Promise<FleetError> {
  try {
    await operation;
  } catch (error) {
    if (error instanceof FleetError) return error;
    throw error;
  }
  throw new Error('expected the operation to fail');
}
