// One fleet operation at a time per service: deploy, undeploy (and migrate, snapshot) of one service queue up.

/** Serialises tasks per service name; tasks of different services run concurrently. */
export interface ServiceLocks {
  /**
   * Runs `task` once every task queued before it for `service` has settled, in order of arrival (FIFO).
   * A failed task does not block the next one.
   */
  run<T>(service: string, task: () => Promise<T>): Promise<T>;
  /** Operations on the service running or queued (for tests and diagnostics); 0 when it is free. */
  pending(service: string): number;
}

interface Queue {
  tail: Promise<void>;
  pending: number;
}

export function createServiceLocks(): ServiceLocks {
  const queues = new Map<string, Queue>();
  return {
    run<T>(service: string, task: () => Promise<T>): Promise<T> {
      let queue = queues.get(service);
      if (queue === undefined) {
        queue = { tail: Promise.resolve(), pending: 0 };
        queues.set(service, queue);
      }
      const current = queue;
      current.pending += 1;
      const result = current.tail.then(task);
      current.tail = result.then(
        () => undefined,
        () => undefined,
      );
      void current.tail.then(() => {
        current.pending -= 1;
        if (current.pending === 0 && queues.get(service) === current) queues.delete(service);
      });
      return result;
    },
    pending: (service) => queues.get(service)?.pending ?? 0,
  };
}

// Keyed by the store the operations write to: every caller acting on one master state (the RPC handlers, the
// start-up reconciliation, a later migration or snapshot schedule) shares one table without a global.
const locksByOwner = new WeakMap<object, ServiceLocks>();

/** The lock table shared by everyone acting on `owner` (the master passes its MasterStore). */
export function serviceLocksFor(owner: object): ServiceLocks {
  let locks = locksByOwner.get(owner);
  if (locks === undefined) {
    locks = createServiceLocks();
    locksByOwner.set(owner, locks);
  }
  return locks;
}
