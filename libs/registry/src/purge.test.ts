import { afterEach, describe, expect, it } from 'vitest';
import { openTempRegistry, sampleComponent, sampleRoute, sampleService } from './testing.js';
import type { TempRegistry } from './testing.js';
import type { ComponentRef } from './types.js';

const ref = (service: string, component: string): ComponentRef => ({ service, component });

/** app: api + worker; old: web (with a route). */
function seed(): TempRegistry {
  const temp = openTempRegistry({ portRange: { first: 20000, last: 20000 } });
  temp.registry.upsertService(
    sampleService({
      components: [
        sampleComponent({ name: 'api', routes: [] }),
        sampleComponent({ name: 'worker', routes: [] }),
      ],
    }),
  );
  temp.registry.upsertService(
    sampleService({ name: 'old', components: [sampleComponent({ name: 'web', routes: [sampleRoute()] })] }),
  );
  return temp;
}

describe('purge', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('lists only components that are both gone and no longer defined', () => {
    temp = seed();
    const candidates = temp.registry.listPurgeCandidates({
      observed: [ref('app', 'api')],
      defined: [ref('app', 'api'), ref('app', 'worker')],
    });
    expect(candidates).toEqual({ components: [ref('old', 'web')], services: ['old'] });
  });

  it('keeps a component that is gone but still defined, and one that runs but is undefined', () => {
    temp = seed();
    const candidates = temp.registry.listPurgeCandidates({
      observed: [ref('old', 'web')],
      defined: [ref('app', 'worker')],
    });
    expect(candidates).toEqual({ components: [ref('app', 'api')], services: [] });
  });

  it('keeps a service that is still defined even when all its components are candidates', () => {
    temp = seed();
    const candidates = temp.registry.listPurgeCandidates({
      observed: [],
      defined: [ref('app', 'api'), ref('app', 'worker'), ref('old', 'other')],
    });
    expect(candidates).toEqual({ components: [ref('old', 'web')], services: [] });
  });

  it('limits itself to the scope it is given', () => {
    temp = seed();
    const input = { observed: [], defined: [] };
    expect(
      temp.registry.listPurgeCandidates({ ...input, scope: { service: 'app', component: 'worker' } }),
    ).toEqual({ components: [ref('app', 'worker')], services: [] });
    expect(temp.registry.listPurgeCandidates({ ...input, scope: { service: 'old' } })).toEqual({
      components: [ref('old', 'web')],
      services: ['old'],
    });
  });

  it('changes nothing when only listing', () => {
    temp = seed();
    temp.registry.listPurgeCandidates({ observed: [], defined: [] });
    expect(temp.registry.listServices()).toHaveLength(2);
  });

  it('deletes the candidates, freeing their host ports', () => {
    temp = seed();
    const removed = temp.registry.purge({ observed: [], defined: [ref('app', 'api')] });
    expect(removed).toEqual({ components: [ref('app', 'worker'), ref('old', 'web')], services: ['old'] });
    expect(temp.registry.listServices().map((s) => [s.name, s.components.map((c) => c.name)])).toEqual([
      ['app', ['api']],
    ]);
    const reused = temp.registry.upsertService(
      sampleService({ name: 'next', components: [sampleComponent({ routes: [sampleRoute()] })] }),
    );
    expect(reused.components[0]?.routes[0]?.hostPort).toBe(20000);
  });
});
