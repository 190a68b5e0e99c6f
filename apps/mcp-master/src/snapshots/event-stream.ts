// Turns an operation that reports events through callbacks into a server stream: events as they happen, then the result.

/**
 * Runs `operation`, yielding every event it emits and then `last(result)`; its failure ends the stream with that error.
 * Events wait in a queue while the client is slow (progress is already thinned out by its emitters).
 */
export async function* eventStream<E, R>(operation: (emit: (event: E) => void) => Promise<R>, last: (result: R) => E): AsyncGenerator<E> {
  const queue: E[] = [];
  let wake: (() => void) | undefined;
  let settled: { ok: true } | { ok: false; error: unknown } | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  operation((event) => {
    queue.push(event);
    notify();
  }).then(
    (result) => {
      queue.push(last(result));
      settled = { ok: true };
      notify();
    },
    (error: unknown) => {
      settled = { ok: false, error };
      notify();
    },
  );
  for (;;) {
    const next = queue.shift();
    if (next !== undefined) {
      yield next;
      continue;
    }
    if (settled !== undefined) {
      if (!settled.ok) throw settled.error;
      return;
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}
