import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from './errors.js';
import { routeIdentity } from './host-ports.js';
import { openTempRegistry, sampleComponent, sampleRoute, sampleService } from './testing.js';
import type { TempRegistry } from './testing.js';
import type { ComponentSpec, RouteSpec, Service, ServiceSpec } from './types.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const text = fc.string({ unit: 'grapheme', maxLength: 20 });
const texts = fc.array(text, { maxLength: 4 });

// Keys left out of requiredKeys are sometimes absent, as optional fields are in real specs.
const routeArbitrary: fc.Arbitrary<RouteSpec> = fc.record(
  {
    name: fc.oneof(fc.constant(''), name),
    port: fc.integer({ min: 1, max: 65535 }),
    mode: fc.constantFrom('l4' as const, 'l7' as const),
    hostname: name.map((label) => `${label}.svc.example`),
    public: fc.boolean(),
  },
  { requiredKeys: ['name', 'port', 'mode', 'public'] },
);

const componentArbitrary: fc.Arbitrary<ComponentSpec> = fc.record(
  {
    name,
    image: name.map((repo) => `registry.example/${repo}:1.2.3`),
    runtime: fc.constantFrom('container' as const, 'unikernel' as const),
    memoryMb: fc.integer({ min: 1, max: 1 << 20 }),
    vcpus: fc.integer({ min: 1, max: 64 }),
    network: text,
    user: text,
    restart: text,
    ports: texts,
    volumes: texts,
    cmd: texts,
    env: texts,
    routes: fc.uniqueArray(routeArbitrary, { maxLength: 3, selector: routeIdentity }),
  },
  { requiredKeys: ['name', 'image', 'runtime', 'vcpus', 'ports', 'volumes', 'env', 'routes'] },
);

const serviceArbitrary: fc.Arbitrary<ServiceSpec> = fc.record(
  {
    name,
    active: fc.boolean(),
    tier: fc.constantFrom('core' as const, 'worker' as const),
    node: name,
    comment: text,
    snapshot: fc.record({ method: text, exclude: texts }),
    components: fc.uniqueArray(componentArbitrary, {
      minLength: 1,
      maxLength: 4,
      selector: (component) => component.name,
    }),
  },
  { requiredKeys: ['name', 'active', 'tier', 'snapshot', 'components'] },
);

/** `value` without the given keys. */
function without(value: object, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

/** What was written of a stored service: without what the registry adds (timestamps, observed state, host ports). */
function writtenPart(service: Service): Record<string, unknown> {
  return {
    ...without(service, 'createdAt', 'updatedAt'),
    components: service.components.map((component) => ({
      ...without(component, 'service', 'observed', 'updatedAt'),
      routes: component.routes.map((route) => without(route, 'hostPort')),
    })),
  };
}

describe('stored services', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('read back from the file exactly as written, every field, each route with a host port', () => {
    fc.assert(
      fc.property(serviceArbitrary, (spec) => {
        const run = openTempRegistry();
        try {
          run.registry.upsertService(spec);
          run.registry.close();
          const stored = run.open().getService(spec.name);
          expect(writtenPart(stored)).toEqual(spec);
          const hostPorts = stored.components.flatMap((c) => c.routes.map((r) => r.hostPort));
          expect(hostPorts.every((port) => port !== undefined)).toBe(true);
          expect(new Set(hostPorts).size).toBe(hostPorts.length);
        } finally {
          run.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('keep everything needed to recreate a container, and absent fields stay absent', () => {
    temp = openTempRegistry();
    const full = sampleComponent({
      name: 'vm',
      image: 'registry.example/vm:2.0.1',
      runtime: 'unikernel',
      memoryMb: 512,
      vcpus: 2,
      network: 'mcp',
      user: '1000:1000',
      restart: 'unless-stopped',
      ports: ['127.0.0.1:9000:9000/udp'],
      volumes: ['/srv/app:/srv/app:rw'],
      cmd: ['serve', '--flag=a b'],
      env: ['A=1', 'B=two words'],
      routes: [
        sampleRoute({ name: 'web', port: 8443, mode: 'l7', hostname: 'app.svc.example', public: true }),
      ],
    });
    const bare = sampleComponent({ name: 'bare', routes: [] });
    temp.registry.upsertService(
      sampleService({ node: 'rift', comment: 'c', components: [full, bare] }),
    );
    const [storedFull, storedBare] = temp.open().getService('app').components;
    expect(storedFull).toMatchObject({ ...full, routes: [{ ...full.routes[0], hostPort: 10000 }] });
    expect(Object.keys(storedBare ?? {}).sort()).toEqual(
      ['env', 'image', 'name', 'observed', 'ports', 'routes', 'runtime', 'service', 'updatedAt', 'vcpus', 'volumes'],
    );
  });

  it('record a service without a tier (a pinned definition has none) as "worker", the column being required', () => {
    temp = openTempRegistry();
    const pinned: ServiceSpec = { name: 'app', active: true, node: 'rift', snapshot: { method: '', exclude: [] }, components: [] };
    expect(temp.registry.upsertService(pinned).tier).toBe('worker');
  });

  it('read a component row without vcpus (written before vcpus always was) with the definition default, 1', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService());
    const sqlite = new Database(temp.path);
    try {
      sqlite.prepare('UPDATE components SET vcpus = NULL').run();
    } finally {
      sqlite.close();
    }
    expect(temp.open().getService('app').components[0]?.vcpus).toBe(1);
  });

  it('start with observed state "unknown" and keep observed state across a redeploy', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService());
    expect(temp.registry.getService('app').components[0]?.observed).toEqual({ state: 'unknown' });
    temp.registry.recordObservedState(
      { service: 'app', component: 'api' },
      { state: 'running', containerId: 'c1', version: '1.0.0' },
    );
    temp.registry.upsertService(
      sampleService({ components: [sampleComponent({ image: 'registry.example/app:1.1.0' })] }),
    );
    const component = temp.registry.getService('app').components[0];
    expect(component?.image).toBe('registry.example/app:1.1.0');
    expect(component?.observed).toMatchObject({ state: 'running', containerId: 'c1', version: '1.0.0' });
  });

  it('keep components a redeploy leaves out, after the defined ones, until purged', () => {
    temp = openTempRegistry();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => sampleComponent({ name: n, routes: [] }));
    temp.registry.upsertService(sampleService({ components: [a, b, c] as ComponentSpec[] }));
    temp.registry.upsertService(sampleService({ components: [b as ComponentSpec] }));
    expect(temp.registry.getService('app').components.map((x) => x.name)).toEqual(['b', 'a', 'c']);
  });

  it('keep createdAt and move updatedAt on a redeploy', () => {
    temp = openTempRegistry();
    const created = temp.clock.now();
    temp.registry.upsertService(sampleService());
    temp.clock.advance(60_000);
    const service = temp.registry.upsertService(sampleService({ comment: 'second' }));
    expect(service.createdAt).toEqual(created);
    expect(service.updatedAt).toEqual(temp.clock.now());
  });

  it('list every service in name order', () => {
    temp = openTempRegistry();
    for (const n of ['zeta', 'alpha', 'mid']) temp.registry.upsertService(sampleService({ name: n }));
    expect(temp.registry.listServices().map((service) => service.name)).toEqual(['alpha', 'mid', 'zeta']);
  });

  it('change the desired state with setActive', () => {
    temp = openTempRegistry();
    temp.registry.upsertService(sampleService({ active: true }));
    expect(temp.registry.setActive('app', false).active).toBe(false);
    expect(temp.open().getService('app').active).toBe(false);
  });

  it('answer NotFoundError naming the service for one that is not recorded', () => {
    temp = openTempRegistry();
    const registry = temp.registry;
    expect(() => registry.getService('ghost')).toThrow(NotFoundError);
    expect(() => registry.setActive('ghost', true)).toThrow(/service "ghost"/);
    expect(registry.findService('ghost')).toBeUndefined();
  });

  it('refuse a service that names one component twice', () => {
    temp = openTempRegistry();
    const twice = sampleService({ components: [sampleComponent(), sampleComponent()] });
    expect(() => temp?.registry.upsertService(twice)).toThrow(ConflictError);
    expect(temp.registry.findService('app')).toBeUndefined();
  });

  it('refuse a component with two routes of the same identity', () => {
    temp = openTempRegistry();
    const routes = [sampleRoute({ name: 'web', port: 443 }), sampleRoute({ name: 'web', port: 8443 })];
    const spec = sampleService({ components: [sampleComponent({ routes })] });
    expect(() => temp?.registry.upsertService(spec)).toThrow(/two routes that are the same route/);
  });
});
