import { afterEach, describe, expect, it } from 'vitest';
import { openTempRegistry } from './testing.js';
import type { TempRegistry } from './testing.js';
import type { EventFilter } from './event-log.js';

const hour = 3_600_000;

describe('the event log', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('stamps an event with the clock and keeps every field', () => {
    temp = openTempRegistry();
    const event = temp.registry.recordEvent({
      service: 'app',
      component: 'api',
      fromState: 'running',
      toState: 'exited',
      kind: 'drift',
      message: 'exited with 137',
    });
    expect(temp.open().listEvents()).toEqual([{ ...event, time: temp.clock.now() }]);
  });

  it('lists the most recent first, at most the limit', () => {
    temp = openTempRegistry();
    for (const message of ['one', 'two', 'three']) {
      temp.registry.recordEvent({ service: 'app', kind: 'note', message });
      temp.clock.advance(1000);
    }
    expect(temp.registry.listEvents({ limit: 2 }).map((e) => e.message)).toEqual(['three', 'two']);
  });

  it('lists events of one service, or of one of its components', () => {
    temp = openTempRegistry();
    temp.registry.recordEvent({ service: 'app', component: 'api', kind: 'note', message: 'a' });
    temp.registry.recordEvent({ service: 'app', component: 'db', kind: 'note', message: 'b' });
    temp.registry.recordEvent({ service: 'app', kind: 'deploy', message: 'c' });
    temp.registry.recordEvent({ service: 'other', component: 'api', kind: 'note', message: 'd' });
    const registry = temp.registry;
    const messages = (filter: EventFilter) => registry.listEvents(filter).map((e) => e.message);
    expect(messages({ service: 'app' })).toEqual(['c', 'b', 'a']);
    expect(messages({ service: 'app', component: 'api' })).toEqual(['a']);
  });

  it('lists events since a time, for counting transitions in a window', () => {
    temp = openTempRegistry();
    temp.registry.recordEvent({ service: 'app', kind: 'note', message: 'old' });
    temp.clock.advance(hour);
    const since = temp.clock.now();
    temp.registry.recordEvent({ service: 'app', kind: 'note', message: 'new' });
    expect(temp.registry.listEvents({ since }).map((e) => e.message)).toEqual(['new']);
  });

  it('prunes events older than the retention, measured from the clock, and keeps the rest', () => {
    temp = openTempRegistry();
    temp.registry.recordEvent({ service: 'app', kind: 'note', message: 'old' });
    temp.clock.advance(2 * hour);
    temp.registry.recordEvent({ service: 'app', kind: 'note', message: 'edge' });
    temp.clock.advance(hour);
    temp.registry.recordEvent({ service: 'app', kind: 'note', message: 'new' });
    expect(temp.registry.pruneEvents(hour)).toBe(1);
    expect(temp.registry.listEvents().map((e) => e.message)).toEqual(['new', 'edge']);
  });
});
