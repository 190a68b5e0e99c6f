// Records what the runtimes last showed of a component, and a transition event when the state changed.
import { and, eq } from 'drizzle-orm';
import { recordEvent } from './event-log.js';
import { components } from './schema.js';
import { componentNotFound } from './service-store.js';
import type { Store } from './store.js';
import type { ComponentRef, RegistryEvent } from './types.js';

/** One observation; it replaces the previous one whole (absent fields are cleared). */
export interface Observation {
  readonly state: string;
  readonly containerId?: string;
  readonly version?: string;
  readonly startedAt?: Date;
  /** Text for the transition event, when there is one. */
  readonly message?: string;
}

export interface ObservedChange {
  readonly previous: string;
  readonly current: string;
  /** The transition event recorded with it; absent when the state did not change. */
  readonly event?: RegistryEvent;
}

/** Kind of the event recorded for every change of observed state. */
export const transitionEventKind = 'transition';

export function recordObservedState(
  store: Store,
  ref: ComponentRef,
  observation: Observation,
): ObservedChange {
  return store.inWriteTransaction(() => {
    const where = and(eq(components.service, ref.service), eq(components.name, ref.component));
    const row = store.db
      .select({ state: components.observedState })
      .from(components)
      .where(where)
      .get();
    if (row === undefined) throw componentNotFound(ref);
    const now = store.clock.now();
    store.db
      .update(components)
      .set({
        observedState: observation.state,
        containerId: observation.containerId ?? null,
        observedVersion: observation.version ?? null,
        startedAt: observation.startedAt ?? null,
        observedAt: now,
      })
      .where(where)
      .run();
    if (row.state === observation.state) {
      return { previous: row.state, current: observation.state };
    }
    const event = recordEvent(store, {
      time: now,
      service: ref.service,
      component: ref.component,
      fromState: row.state,
      toState: observation.state,
      kind: transitionEventKind,
      message: observation.message ?? '',
    });
    return { previous: row.state, current: observation.state, event };
  });
}
