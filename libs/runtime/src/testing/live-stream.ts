// A push-to-pull bridge for the fake runtime: callbacks in, an abortable async iterable out.

export interface Sink<T> {
  push(item: T): void;
  end(): void;
}

/** `attach` wires the sink to a source and returns how to detach it; the stream ends on end() or abort. */
export async function* liveStream<T>(attach: (sink: Sink<T>) => () => void, signal?: AbortSignal): AsyncGenerator<T> {
  const buffer: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const detach = attach({
    push: (item) => {
      buffer.push(item);
      notify();
    },
    end: () => {
      ended = true;
      notify();
    },
  });
  signal?.addEventListener('abort', notify);
  try {
    for (;;) {
      if (signal?.aborted === true) return;
      const next = buffer.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    detach();
    signal?.removeEventListener('abort', notify);
  }
}
