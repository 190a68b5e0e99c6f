import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.js';
import { countRows, openTempRegistry, sampleComponent, sampleRoute, sampleService } from './testing.js';
import type { TempRegistry } from './testing.js';

function seed(temp: TempRegistry): void {
  temp.registry.upsertService(
    sampleService({
      components: [
        sampleComponent({ name: 'api', routes: [sampleRoute(), sampleRoute({ name: 'admin' })] }),
        sampleComponent({ name: 'worker', routes: [sampleRoute({ name: 'metrics' })] }),
      ],
    }),
  );
  for (const component of ['api', 'worker']) {
    temp.registry.setAlertState({
      service: 'app',
      component,
      lastKind: 'drift',
      lastAlertAt: temp.clock.now(),
      cooldownUntil: temp.clock.now(),
    });
  }
}

describe('deleting registry rows', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('removes a service with its components, routes and alert state', () => {
    temp = openTempRegistry();
    seed(temp);
    temp.registry.deleteService('app');
    const path = temp.path;
    const tables = ['services', 'components', 'routes', 'alert_state'];
    expect(tables.map((table) => countRows(path, table))).toEqual([0, 0, 0, 0]);
  });

  it('removes a component with its routes and alert state, leaving its siblings', () => {
    temp = openTempRegistry();
    seed(temp);
    temp.registry.deleteComponent({ service: 'app', component: 'api' });
    const service = temp.registry.getService('app');
    expect(service.components.map((c) => c.name)).toEqual(['worker']);
    expect(countRows(temp.path, 'routes')).toBe(1);
    expect(temp.registry.getAlertState({ service: 'app', component: 'api' })).toBeUndefined();
    expect(temp.registry.getAlertState({ service: 'app', component: 'worker' })).toBeDefined();
  });

  it('answers NotFoundError for a component that is not recorded', () => {
    temp = openTempRegistry();
    seed(temp);
    expect(() => temp?.registry.deleteComponent({ service: 'app', component: 'ghost' })).toThrow(
      NotFoundError,
    );
    expect(() => temp?.registry.deleteService('ghost')).toThrow(/service "ghost"/);
  });
});
