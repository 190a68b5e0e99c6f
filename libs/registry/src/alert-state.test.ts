import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.js';
import { openTempRegistry, sampleService } from './testing.js';
import type { TempRegistry } from './testing.js';
import type { AlertState } from './types.js';

const api = { service: 'app', component: 'api' };

describe('alert state', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  function state(temp: TempRegistry, lastKind: string): AlertState {
    const now = temp.clock.now();
    return { ...api, lastKind, lastAlertAt: now, cooldownUntil: new Date(now.getTime() + 600_000) };
  }

  it('survives a restart of the agent', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService());
    const drift = state(temp, 'drift');
    temp.registry.setAlertState(drift);
    temp.registry.close();
    expect(temp.open().getAlertState(api)).toEqual(drift);
  });

  it('is replaced by the next alert of the component', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService());
    temp.registry.setAlertState(state(temp, 'drift'));
    temp.clock.advance(700_000);
    const recovered = state(temp, 'recovered');
    temp.registry.setAlertState(recovered);
    expect(temp.registry.getAlertState(api)).toEqual(recovered);
  });

  it('can be cleared', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService());
    temp.registry.setAlertState(state(temp, 'flapping'));
    expect(temp.registry.clearAlertState(api)).toBe(true);
    expect(temp.registry.getAlertState(api)).toBeUndefined();
    expect(temp.registry.clearAlertState(api)).toBe(false);
  });

  it('is refused for a component that is not in the registry', () => {
    temp = openTempRegistry();
    const orphan = state(temp, 'drift');
    expect(() => temp?.registry.setAlertState(orphan)).toThrow(NotFoundError);
  });
});
