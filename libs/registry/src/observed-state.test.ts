import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.js';
import { openTempRegistry, sampleService } from './testing.js';
import type { TempRegistry } from './testing.js';

const api = { service: 'app', component: 'api' };

describe('observed state', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('is recorded per component with the time of observation, and survives a reopen', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService());
    const startedAt = new Date('2024-12-31T23:00:00.000Z');
    temp.registry.recordObservedState(api, { state: 'running', containerId: 'abc', version: '1.0.0', startedAt });
    expect(temp.open().getService('app').components[0]?.observed).toEqual({
      state: 'running',
      containerId: 'abc',
      version: '1.0.0',
      startedAt,
      observedAt: temp.clock.now(),
    });
  });

  it('records a transition event when the state changes', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService());
    const change = temp.registry.recordObservedState(api, { state: 'running', message: 'started' });
    expect(change).toMatchObject({ previous: 'unknown', current: 'running' });
    expect(temp.registry.listEvents({ service: 'app' })).toEqual([
      {
        id: change.event?.id,
        time: temp.clock.now(),
        service: 'app',
        component: 'api',
        fromState: 'unknown',
        toState: 'running',
        kind: 'transition',
        message: 'started',
      },
    ]);
  });

  it('records no event when the state is unchanged', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService());
    temp.registry.recordObservedState(api, { state: 'running' });
    expect(temp.registry.recordObservedState(api, { state: 'running' }).event).toBeUndefined();
    expect(temp.registry.listEvents()).toHaveLength(1);
  });

  it('replaces the whole observation, clearing fields the new one lacks', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService());
    temp.registry.recordObservedState(api, { state: 'running', containerId: 'abc', version: '1.0.0' });
    temp.registry.recordObservedState(api, { state: 'removed' });
    expect(temp.registry.getService('app').components[0]?.observed).toEqual({
      state: 'removed',
      observedAt: temp.clock.now(),
    });
  });

  it('answers NotFoundError for a component that is not recorded', () => {
    temp = openTempRegistry();
    expect(() => temp?.registry.recordObservedState(api, { state: 'running' })).toThrow(NotFoundError);
  });
});
