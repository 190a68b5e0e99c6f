// Per-component alert memory (last kind, when, cooldown) that outlives an agent restart.
import { and, eq } from 'drizzle-orm';
import { alertStateFromRow } from './rows.js';
import { alertState, components } from './schema.js';
import { componentNotFound } from './service-store.js';
import type { Store } from './store.js';
import type { AlertState, ComponentRef } from './types.js';

export function getAlertState(store: Store, ref: ComponentRef): AlertState | undefined {
  const row = store.db
    .select()
    .from(alertState)
    .where(and(eq(alertState.service, ref.service), eq(alertState.component, ref.component)))
    .get();
  return row === undefined ? undefined : alertStateFromRow(row);
}

/** Replaces the component's alert state; the component must be in the registry. */
export function setAlertState(store: Store, state: AlertState): void {
  store.inWriteTransaction(() => {
    const known = store.db
      .select({ name: components.name })
      .from(components)
      .where(and(eq(components.service, state.service), eq(components.name, state.component)))
      .get();
    if (known === undefined) throw componentNotFound(state);
    const columns = {
      lastKind: state.lastKind,
      lastAlertAt: state.lastAlertAt,
      cooldownUntil: state.cooldownUntil,
    };
    store.db
      .insert(alertState)
      .values({ service: state.service, component: state.component, ...columns })
      .onConflictDoUpdate({ target: [alertState.service, alertState.component], set: columns })
      .run();
  });
}

/** Forgets the component's alert state; returns whether there was one. */
export function clearAlertState(store: Store, ref: ComponentRef): boolean {
  const result = store.db
    .delete(alertState)
    .where(and(eq(alertState.service, ref.service), eq(alertState.component, ref.component)))
    .run();
  return result.changes > 0;
}
