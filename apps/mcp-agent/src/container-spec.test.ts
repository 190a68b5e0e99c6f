import { defaultDeployPolicy, type DeployPolicy } from '@mcp/policy';
import type { ComponentSpec } from '@mcp/registry';
import { describe, expect, it } from 'vitest';
import { containerSpecFor } from './container-spec.js';
import { FailedPreconditionError } from './errors.js';

const base: ComponentSpec = {
  name: 'app',
  image: 'localhost/app:1.0',
  runtime: 'container',
  vcpus: 1,
  ports: [],
  volumes: [],
  env: [],
  routes: [],
};

const policy = defaultDeployPolicy({ serviceRoot: '/srv' });

function specOf(component: Partial<ComponentSpec>, with_: DeployPolicy = policy) {
  return containerSpecFor({ node: 'rift', service: 'web', component: { ...base, ...component }, policy: with_ });
}

describe('container spec of a recorded component', () => {
  it('sets $PORT and $PORT_<NAME> for a single named route', () => {
    const spec = specOf({ routes: [{ name: 'admin-api', port: 8443, mode: 'l4', public: false, hostPort: 10001 }] });
    expect(spec.env).toEqual({ PORT: '10001', PORT_ADMIN_API: '10001' });
  });

  it('sets only $PORT_<NAME> when there are several routes', () => {
    const spec = specOf({
      routes: [
        { name: 'http', port: 8443, mode: 'l4', public: false, hostPort: 10001 },
        { name: 'grpc', port: 9443, mode: 'l4', public: false, hostPort: 10002 },
      ],
    });
    expect(spec.env).toEqual({ PORT_HTTP: '10001', PORT_GRPC: '10002' });
  });

  it('sets $PORT for a single unnamed route', () => {
    expect(specOf({ routes: [{ name: '', port: 8443, mode: 'l4', public: false, hostPort: 10003 }] }).env).toEqual({ PORT: '10003' });
  });

  it('publishes each route port on the same number, then the explicit ports', () => {
    const spec = specOf({
      routes: [{ name: 'http', port: 8443, mode: 'l4', public: false, hostPort: 10001 }],
      ports: ['127.0.0.1:9000:90/udp'],
    });
    expect(spec.ports).toEqual([
      { hostIp: '127.0.0.1', hostPort: 10001, containerPort: 10001, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 9000, containerPort: 90, protocol: 'udp' },
    ]);
  });

  it('keeps the definition env, split at the first "="', () => {
    expect(specOf({ env: ['A=1', 'URL=x=y', 'EMPTY='] }).env).toEqual({ A: '1', URL: 'x=y', EMPTY: '' });
  });

  it('carries volumes, network, user, restart and cmd', () => {
    const spec = specOf({
      volumes: ['/srv/web:/data:ro,Z', 'cache:/cache'],
      network: 'bridge',
      user: '1000:1000',
      restart: 'unless-stopped',
      cmd: ['serve'],
    });
    expect(spec).toMatchObject({
      service: 'web',
      component: 'app',
      node: 'rift',
      image: 'localhost/app:1.0',
      volumes: [
        { source: '/srv/web', target: '/data', options: ['ro', 'Z', 'nosuid', 'nodev'] },
        { source: 'cache', target: '/cache', options: [] },
      ],
      network: 'bridge',
      user: '1000:1000',
      restart: 'unless-stopped',
      cmd: ['serve'],
    });
  });

  it('leaves cmd, network, user and restart out when the definition has none', () => {
    const spec = specOf({});
    for (const key of ['cmd', 'network', 'user', 'restart']) expect(spec).not.toHaveProperty(key);
  });

  it('refuses a route without a host port, saying how to get one', () => {
    expect(() => specOf({ routes: [{ name: 'http', port: 8443, mode: 'l4', public: false }] })).toThrow(FailedPreconditionError);
    expect(() => specOf({ routes: [{ name: 'http', port: 8443, mode: 'l4', public: false }] })).toThrow(/has no host port.*start or deploy/);
  });

  it('refuses a malformed recorded entry instead of passing it to podman', () => {
    expect(() => specOf({ ports: ['x:y'] })).toThrow(/malformed ports entry "x:y"/);
  });

  it('mounts host paths nosuid,nodev unless the policy allows suid or dev, and leaves podman volumes alone', () => {
    const volumes = ['/srv/web:/a', '/srv/web/b:/b:nosuid', 'cache:/cache'];
    expect(specOf({ volumes }).volumes).toEqual([
      { source: '/srv/web', target: '/a', options: ['nosuid', 'nodev'] },
      { source: '/srv/web/b', target: '/b', options: ['nosuid', 'nodev'] },
      { source: 'cache', target: '/cache', options: [] },
    ]);
    const lenient = { ...policy, mountOptions: [...policy.mountOptions, 'suid', 'dev'] };
    expect(specOf({ volumes: ['/srv/web:/a'] }, lenient).volumes).toEqual([{ source: '/srv/web', target: '/a', options: [] }]);
  });

  it("gives a container the policy's memory and pids limits, and a VM none of them", () => {
    const limited = { ...policy, containerLimits: { memoryMb: 512, pids: 64 } };
    expect(specOf({}, limited)).toMatchObject({ memoryLimitMb: 512, pidsLimit: 64 });
    const vm = specOf({ runtime: 'unikernel', memoryMb: 128 }, limited);
    expect([vm.memoryMb, vm.memoryLimitMb, vm.pidsLimit]).toEqual([128, undefined, undefined]);
    const unlimited = specOf({}, { ...policy, containerLimits: { memoryMb: undefined, pids: undefined } });
    expect(unlimited).not.toHaveProperty('memoryLimitMb');
    expect(unlimited).not.toHaveProperty('pidsLimit');
  });
});
