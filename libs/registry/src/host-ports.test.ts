import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, PortsExhaustedError } from './errors.js';
import { openTempRegistry, sampleComponent, sampleRoute, sampleService } from './testing.js';
import type { TempRegistry } from './testing.js';
import type { RouteSpec, Service } from './types.js';

function hostPorts(service: Service): (number | undefined)[] {
  return service.components.flatMap((c) => c.routes.map((route) => route.hostPort));
}

function serviceWithRoutes(name: string, routes: RouteSpec[], ports: string[] = []) {
  return sampleService({ name, components: [sampleComponent({ routes, ports })] });
}

const web = sampleRoute({ name: 'web', port: 443 });
const admin = sampleRoute({ name: 'admin', port: 8443, mode: 'l7' });

describe('host port allocation', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('hands out the lowest ports of the range, one per route', () => {
    temp = openTempRegistry({ portRange: { first: 20000, last: 20010 } });
    expect(hostPorts(temp.registry.upsertService(serviceWithRoutes('a', [web, admin])))).toEqual([
      20000, 20001,
    ]);
    expect(hostPorts(temp.registry.upsertService(serviceWithRoutes('b', [web])))).toEqual([20002]);
  });

  it('skips ports the host reports busy', () => {
    temp = openTempRegistry({
      portRange: { first: 20000, last: 20010 },
      isPortFree: (port) => port !== 20000 && port !== 20002,
    });
    expect(hostPorts(temp.registry.upsertService(serviceWithRoutes('a', [web, admin])))).toEqual([
      20001, 20003,
    ]);
  });

  it('skips host ports a component publishes explicitly', () => {
    temp = openTempRegistry({ portRange: { first: 20000, last: 20010 } });
    temp.registry.upsertService(serviceWithRoutes('a', [], ['20000:80', '127.0.0.1:20001-20002:90/udp']));
    expect(hostPorts(temp.registry.upsertService(serviceWithRoutes('b', [web])))).toEqual([20003]);
  });

  it('keeps the host port of an unchanged route across a redeploy, without probing it', () => {
    const probed: number[] = [];
    temp = openTempRegistry({ isPortFree: (port) => (probed.push(port), true) });
    const first = hostPorts(temp.registry.upsertService(serviceWithRoutes('a', [web, admin])));
    probed.length = 0;
    const again = hostPorts(temp.registry.upsertService(serviceWithRoutes('a', [admin, web])));
    expect(again).toEqual([first[1], first[0]]);
    expect(probed).toEqual([]);
  });

  it('keeps the host port of a named route whose listener and mode changed', () => {
    temp = openTempRegistry();
    const [before] = hostPorts(temp.registry.upsertService(serviceWithRoutes('a', [web])));
    const changed = sampleRoute({ name: 'web', port: 9443, mode: 'l7', public: true });
    expect(hostPorts(temp.registry.upsertService(serviceWithRoutes('a', [changed])))).toEqual([before]);
  });

  it('gives a new route a new port and frees the port of a removed one', () => {
    temp = openTempRegistry({ portRange: { first: 20000, last: 20010 } });
    temp.registry.upsertService(serviceWithRoutes('a', [web, admin]));
    const metrics = sampleRoute({ name: 'metrics', port: 9100 });
    expect(hostPorts(temp.registry.upsertService(serviceWithRoutes('a', [web, metrics])))).toEqual([
      20000, 20001,
    ]);
  });

  it('releases every port of a service on undeploy, for others to reuse', () => {
    temp = openTempRegistry({ portRange: { first: 20000, last: 20001 } });
    temp.registry.upsertService(serviceWithRoutes('a', [web, admin]));
    const undeployed = temp.registry.undeployService('a');
    expect(undeployed.active).toBe(false);
    expect(hostPorts(undeployed)).toEqual([undefined, undefined]);
    expect(hostPorts(temp.registry.upsertService(serviceWithRoutes('b', [web, admin])))).toEqual([
      20000, 20001,
    ]);
  });

  it('allocates ports again for an undeployed service with ensureHostPorts', () => {
    temp = openTempRegistry({ portRange: { first: 20000, last: 20010 } });
    temp.registry.upsertService(serviceWithRoutes('a', [web, admin]));
    temp.registry.undeployService('a');
    temp.registry.upsertService(serviceWithRoutes('b', [web]));
    expect(hostPorts(temp.registry.ensureHostPorts('a'))).toEqual([20001, 20002]);
  });

  it('moves only the routes whose port another process now holds, to ports the host reports free', () => {
    const busy = new Set<number>();
    temp = openTempRegistry({ portRange: { first: 20000, last: 20010 }, isPortFree: (port) => !busy.has(port) });
    temp.registry.upsertService(serviceWithRoutes('a', [web, admin]));
    temp.registry.upsertService(serviceWithRoutes('b', [web]));
    busy.add(20001).add(20003);
    const ref = { service: 'a', component: 'api' };
    expect(temp.registry.moveBusyHostPorts(ref)).toEqual([{ route: 'admin', from: 20001, to: 20004 }]);
    expect(hostPorts(temp.registry.getService('a'))).toEqual([20000, 20004]);
    expect(hostPorts(temp.registry.getService('b'))).toEqual([20002]);
    expect(temp.registry.moveBusyHostPorts(ref)).toEqual([]);
  });

  it('moves nothing and changes nothing when no free port is left', () => {
    const busy = new Set<number>();
    temp = openTempRegistry({ portRange: { first: 20000, last: 20001 }, isPortFree: (port) => !busy.has(port) });
    temp.registry.upsertService(serviceWithRoutes('a', [web, admin]));
    busy.add(20000);
    expect(() => temp?.registry.moveBusyHostPorts({ service: 'a', component: 'api' })).toThrow(PortsExhaustedError);
    expect(hostPorts(temp.registry.getService('a'))).toEqual([20000, 20001]);
  });

  it('uses a host port asked for explicitly', () => {
    temp = openTempRegistry();
    const adopted = sampleRoute({ name: 'web', hostPort: 31337 });
    expect(hostPorts(temp.registry.upsertService(serviceWithRoutes('a', [adopted])))).toEqual([31337]);
  });

  it('refuses an explicit host port another route holds, and records nothing', () => {
    temp = openTempRegistry({ portRange: { first: 20000, last: 20010 } });
    temp.registry.upsertService(serviceWithRoutes('a', [web]));
    const clash = serviceWithRoutes('b', [sampleRoute({ name: 'web', hostPort: 20000 })]);
    expect(() => temp?.registry.upsertService(clash)).toThrow(ConflictError);
    expect(() => temp?.registry.upsertService(clash)).toThrow(
      /host port 20000 .* of b\/api is already recorded/,
    );
    expect(temp.registry.findService('b')).toBeUndefined();
  });

  it('fails with PortsExhaustedError when every port is recorded or busy', () => {
    temp = openTempRegistry({
      portRange: { first: 20000, last: 20002 },
      isPortFree: (port) => port !== 20002,
    });
    temp.registry.upsertService(serviceWithRoutes('a', [web, admin]));
    expect(() => temp?.registry.upsertService(serviceWithRoutes('b', [web]))).toThrow(
      PortsExhaustedError,
    );
    expect(temp.registry.findService('b')).toBeUndefined();
  });

  it('refuses a port range that is not one', () => {
    expect(() => openTempRegistry({ portRange: { first: 30000, last: 20000 } })).toThrow(
      /not a range of ports/,
    );
  });
});
