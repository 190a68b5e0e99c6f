// The undo steps of a benchmark or a long-running harness: run last-added first, once, whether the run ends
// normally, fails or is interrupted (the caller's signal handler and its main path share the same pass).
export interface CleanupStack {
  /** Adds a step; steps run in reverse order of adding. */
  push(step: () => Promise<unknown>): void;
  /**
   * Runs every step once; a failing step does not stop the others. Resolves to the failures in the order they
   * happened. A second call (a signal during the first) waits for the same pass.
   */
  run(): Promise<unknown[]>;
}

export function createCleanupStack(): CleanupStack {
  const steps: (() => Promise<unknown>)[] = [];
  let pass: Promise<unknown[]> | undefined;
  const runAll = async (): Promise<unknown[]> => {
    const failures: unknown[] = [];
    for (let step = steps.pop(); step !== undefined; step = steps.pop()) {
      await step().catch((error: unknown) => void failures.push(error));
    }
    return failures;
  };
  return {
    push: (step) => void steps.push(step),
    run: () => (pass ??= runAll()),
  };
}
