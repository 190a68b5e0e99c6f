import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PortsExhaustedError } from './errors.js';
import type { Registry } from './open-registry.js';
import { openTempRegistry, sampleComponent, sampleRoute, sampleService } from './testing.js';
import type { ServiceSpec } from './types.js';

// Random deploy / redeploy / undeploy / ensure / delete sequences over a small range with some
// ports busy on the host; after every step the registry's ports must satisfy the invariants.

const serviceNames = ['s0', 's1', 's2'] as const;
const routeNames = fc.subarray(['a', 'b', 'c']);

type Operation =
  | { kind: 'deploy'; service: number; components: string[][] }
  | { kind: 'redeploy' | 'undeploy' | 'ensure' | 'delete'; service: number };

const serviceIndex = fc.integer({ min: 0, max: serviceNames.length - 1 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('deploy' as const),
    service: serviceIndex,
    components: fc.array(routeNames, { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    kind: fc.constantFrom('redeploy' as const, 'undeploy' as const, 'ensure' as const, 'delete' as const),
    service: serviceIndex,
  }),
);

function specFor(name: string, components: string[][]): ServiceSpec {
  return sampleService({
    name,
    components: components.map((routes, index) =>
      sampleComponent({
        name: `c${index}`,
        routes: routes.map((route) => sampleRoute({ name: route })),
      }),
    ),
  });
}

/** host port of every route, keyed service/component/route; undefined when released. */
function portsByRoute(registry: Registry): Map<string, number | undefined> {
  return new Map(
    registry.listServices().flatMap((service) =>
      service.components.flatMap((component) =>
        component.routes.map(
          (route) => [`${service.name}/${component.name}/${route.name}`, route.hostPort] as const,
        ),
      ),
    ),
  );
}

describe('host port allocation under any sequence of operations', () => {
  it('never repeats a port, stays in range, avoids busy ports, keeps ports across redeploys and reuses released ones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
        fc.array(operation, { minLength: 1, maxLength: 25 }),
        (size, busyOffsets, operations) => {
          const range = { first: 30000, last: 30000 + size - 1 };
          const busy = new Set(busyOffsets.map((offset) => range.first + offset));
          const temp = openTempRegistry({ portRange: range, isPortFree: (port) => !busy.has(port) });
          const lastSpec = new Map<string, ServiceSpec>();
          try {
            for (const step of operations) {
              const name = serviceNames[step.service] as string;
              const before = portsByRoute(temp.registry);
              const spec = step.kind === 'deploy' ? specFor(name, step.components) : lastSpec.get(name);
              const known = temp.registry.findService(name) !== undefined;
              const needed = countNeeded(step.kind, name, spec, before, known);
              const recorded = [...before.values()].filter((port) => port !== undefined).length;
              const available = [...Array(size).keys()]
                .map((offset) => range.first + offset)
                .filter((port) => !busy.has(port)).length - recorded;
              try {
                apply(temp.registry, step.kind, name, spec, known);
                if (step.kind === 'deploy') lastSpec.set(name, spec as ServiceSpec);
                if (step.kind === 'delete') lastSpec.delete(name);
              } catch (error) {
                if (!(error instanceof PortsExhaustedError)) throw error;
                // Exhaustion only when the free ports really do not suffice, and nothing changes.
                expect(available).toBeLessThan(needed);
                expect(portsByRoute(temp.registry)).toEqual(before);
                continue;
              }
              const after = portsByRoute(temp.registry);
              const ports = [...after.values()].filter((port) => port !== undefined);
              expect(new Set(ports).size).toBe(ports.length);
              for (const port of ports) {
                expect(port).toBeGreaterThanOrEqual(range.first);
                expect(port).toBeLessThanOrEqual(range.last);
              }
              for (const [key, port] of before) {
                const own = key.startsWith(`${name}/`);
                const fresh = after.get(key);
                if (own && step.kind === 'undeploy') {
                  expect(fresh).toBeUndefined();
                } else if (own && step.kind === 'delete') {
                  expect(after.has(key)).toBe(false);
                } else if (port !== undefined && after.has(key)) {
                  // Other services' routes, and this one's still-defined routes, keep their port.
                  expect(fresh).toBe(port);
                }
              }
              for (const [key, port] of after) {
                // A port handed out by this step was free on the host.
                if (port !== undefined && before.get(key) === undefined) {
                  expect(busy.has(port)).toBe(false);
                }
              }
            }
          } finally {
            temp.cleanup();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

function apply(
  registry: Registry,
  kind: Operation['kind'],
  name: string,
  spec: ServiceSpec | undefined,
  known: boolean,
): void {
  if (kind === 'deploy' || kind === 'redeploy') {
    if (spec !== undefined) registry.upsertService(spec);
  } else if (known) {
    if (kind === 'undeploy') registry.undeployService(name);
    if (kind === 'ensure') registry.ensureHostPorts(name);
    if (kind === 'delete') registry.deleteService(name);
  }
}

/** How many fresh ports the step needs: routes of the service without a port to keep. */
function countNeeded(
  kind: Operation['kind'],
  name: string,
  spec: ServiceSpec | undefined,
  before: Map<string, number | undefined>,
  known: boolean,
): number {
  if (kind === 'deploy' || kind === 'redeploy') {
    if (spec === undefined) return 0;
    return spec.components
      .flatMap((component) => component.routes.map((route) => `${name}/${component.name}/${route.name}`))
      .filter((key) => before.get(key) === undefined).length;
  }
  if (kind === 'ensure' && known) {
    return [...before].filter(([key, port]) => key.startsWith(`${name}/`) && port === undefined).length;
  }
  return 0;
}
