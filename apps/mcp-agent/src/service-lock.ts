// One operation at a time per service: two deploys (or a deploy and a recover) of one service run one after the other.

type Tails = Map<string, Promise<void>>;

// Keyed by the registry the operations write to, so every caller acting on one registry (RPC handlers and the
// start-up recover, which get different deps objects) shares one table without a global.
const tablesByOwner = new WeakMap<object, Tails>();

function tailsOf(owner: object): Tails {
  let tails = tablesByOwner.get(owner);
  if (tails === undefined) {
    tails = new Map();
    tablesByOwner.set(owner, tails);
  }
  return tails;
}

/**
 * Runs `task` once every task queued before it for the same `owner` and `service` has settled (in order of
 * arrival); a failed task does not block the next. Tasks of different services run concurrently.
 */
export function withServiceLock<T>(owner: object, service: string, task: () => Promise<T>): Promise<T> {
  const tails = tailsOf(owner);
  const previous = tails.get(service) ?? Promise.resolve();
  const result = previous.then(task);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  tails.set(service, tail);
  void tail.then(() => {
    if (tails.get(service) === tail) tails.delete(service);
  });
  return result;
}

/** Whether an operation on the service is running or queued (for tests and diagnostics). */
export function isServiceLocked(owner: object, service: string): boolean {
  return tablesByOwner.get(owner)?.has(service) ?? false;
}
