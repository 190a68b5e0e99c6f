// Events: state transitions and monitor findings, listed newest first and pruned after a retention period.
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { eventFromRow } from './rows.js';
import { events } from './schema.js';
import type { Store } from './store.js';
import type { NewEvent, RegistryEvent } from './types.js';

export interface EventFilter {
  readonly service?: string;
  /** Only with `service`: that component's events. */
  readonly component?: string;
  /** Only events at or after this time. */
  readonly since?: Date;
  /** At most this many, newest first (default 100). */
  readonly limit?: number;
}

export const defaultEventLimit = 100;

/** Stores an event, stamped with the clock unless it carries its own time. */
export function recordEvent(store: Store, event: NewEvent): RegistryEvent {
  const row = store.db
    .insert(events)
    .values({
      time: event.time ?? store.clock.now(),
      service: event.service,
      component: event.component ?? null,
      fromState: event.fromState ?? null,
      toState: event.toState ?? null,
      kind: event.kind,
      message: event.message,
    })
    .returning()
    .get();
  return eventFromRow(row);
}

export function listEvents(store: Store, filter: EventFilter = {}): RegistryEvent[] {
  const conditions: SQL[] = [];
  if (filter.service !== undefined) conditions.push(eq(events.service, filter.service));
  if (filter.component !== undefined) conditions.push(eq(events.component, filter.component));
  if (filter.since !== undefined) conditions.push(gte(events.time, filter.since));
  return store.db
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(desc(events.time), desc(events.id))
    .limit(Math.max(0, Math.trunc(filter.limit ?? defaultEventLimit)))
    .all()
    .map(eventFromRow);
}

/** Deletes events older than `retentionMs` before the clock's now; returns how many went. */
export function pruneEvents(store: Store, retentionMs: number): number {
  const cutoff = new Date(store.clock.now().getTime() - retentionMs);
  return store.db.delete(events).where(lt(events.time, cutoff)).run().changes;
}
