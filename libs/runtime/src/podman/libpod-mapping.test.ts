// libpod list, inspect and event JSON mapped to the runtime's domain types.
import { describe, expect, it } from 'vitest';
import { containerDetailsFromInspect, containerInfoFromList, runtimeEventFromLibpod } from './libpod-mapping.js';
import type { LibpodEvent, LibpodInspect, LibpodListEntry } from './libpod-mapping.js';

// Shapes as podman 4.3.1 sent them on this machine kind (trimmed to the fields read).
const listEntry: LibpodListEntry = {
  Id: 'f07cf812c99f',
  Names: ['web-api'],
  Image: 'localhost/web:1',
  State: 'exited',
  Labels: { 'mcp.node': 'rift', 'mcp.service': 'web', 'mcp.component': 'api' },
  Ports: [{ host_ip: '127.0.0.1', container_port: 8080, host_port: 18081, range: 2, protocol: 'tcp' }],
  Created: '2026-11-24T21:43:19.676323155Z',
  StartedAt: 1795556599,
  Exited: true,
  ExitCode: 137,
};

const inspect: LibpodInspect = {
  Id: '80492b3c1990',
  Name: 'web-api',
  ImageName: 'localhost/web:1',
  Created: '2026-11-24T21:43:19.676323155Z',
  State: {
    Status: 'running',
    StartedAt: '2026-11-24T21:43:19.782608146Z',
    FinishedAt: '0001-01-01T00:00:00Z',
    ExitCode: 0,
  },
  Config: {
    Image: 'localhost/web:1',
    Labels: { 'mcp.node': 'rift' },
    Env: ['PATH=/bin', 'GREETING=a=b', 'EMPTY='],
    Cmd: ['httpd', '-f'],
    User: 'nobody',
  },
  HostConfig: {
    RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
    NetworkMode: 'bridge',
    PortBindings: { '53/udp': [{ HostIp: '', HostPort: '5353' }] },
  },
  NetworkSettings: { Networks: { podman: {} } },
  Mounts: [
    { Type: 'volume', Name: 'cache', Source: '/var/lib/containers/storage/volumes/cache/_data', Destination: '/c', RW: true },
    { Type: 'bind', Source: '/srv/web', Destination: '/data', RW: false },
  ],
};

describe('containerInfoFromList', () => {
  it('maps names, state, ownership labels, times and the exit code', () => {
    expect(containerInfoFromList(listEntry)).toMatchObject({
      id: 'f07cf812c99f',
      name: 'web-api',
      image: 'localhost/web:1',
      state: 'exited',
      node: 'rift',
      service: 'web',
      component: 'api',
      createdAt: new Date('2026-11-24T21:43:19.676Z'),
      startedAt: new Date(1795556599 * 1000),
      exitCode: 137,
    });
  });

  it('expands a port range into one mapping per port', () => {
    expect(containerInfoFromList(listEntry).ports).toEqual([
      { hostIp: '127.0.0.1', hostPort: 18081, containerPort: 8080, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 18082, containerPort: 8081, protocol: 'tcp' },
    ]);
  });

  it('treats null labels and ports as none, and gives no exit code while running', () => {
    const info = containerInfoFromList({ Id: 'x', Names: ['stray'], State: 'running', Labels: null, Ports: null });
    expect(info).toMatchObject({ labels: {}, ports: [], state: 'running' });
    expect(info.node).toBeUndefined();
    expect(info.exitCode).toBeUndefined();
  });

  it.each([
    ['configured', 'created'],
    ['initialized', 'created'],
    ['stopped', 'exited'],
    ['stopping', 'stopping'],
    ['paused', 'paused'],
    ['weird', 'unknown'],
  ])('maps podman state %s to %s', (podmanState, state) => {
    expect(containerInfoFromList({ Id: 'x', State: podmanState }).state).toBe(state);
  });
});

describe('containerDetailsFromInspect', () => {
  const details = containerDetailsFromInspect(inspect);

  it('splits env entries at the first =', () => {
    expect(details.env).toEqual({ PATH: '/bin', GREETING: 'a=b', EMPTY: '' });
  });

  it('gives cmd, user, networks and the restart policy with its retry count', () => {
    expect(details).toMatchObject({ cmd: ['httpd', '-f'], user: 'nobody', networks: ['podman'], restart: 'on-failure:3' });
  });

  it('maps volume mounts by name and bind mounts by path, read-only as ro', () => {
    expect(details.volumes).toEqual([
      { source: 'cache', target: '/c', options: [] },
      { source: '/srv/web', target: '/data', options: ['ro'] },
    ]);
  });

  it('maps port bindings, leaving out an empty host address', () => {
    expect(details.ports).toEqual([{ hostPort: 5353, containerPort: 53, protocol: 'udp' }]);
  });

  it('reads Go\'s zero time as never', () => {
    expect(details.finishedAt).toBeUndefined();
    expect(details.startedAt).toEqual(new Date('2026-11-24T21:43:19.782Z'));
  });

  it('names the network mode when the container is on no network', () => {
    const host = containerDetailsFromInspect({ ...inspect, HostConfig: { NetworkMode: 'host' }, NetworkSettings: {} });
    expect(host.networks).toEqual(['host']);
  });
});

describe('runtimeEventFromLibpod', () => {
  const died: LibpodEvent = {
    status: 'died',
    id: 'f07cf812c99f',
    from: 'localhost/web:1',
    Type: 'container',
    Action: 'died',
    Actor: {
      ID: 'f07cf812c99f',
      Attributes: { containerExitCode: '137', image: 'localhost/web:1', 'mcp.node': 'n1', name: 'web-api', podId: '' },
    },
    time: 1795556607,
    // As JSON.parse reads podman's nanoseconds: past 2^53, so rounded.
    timeNano: JSON.parse('1795556607276977197') as number,
  };

  it('maps died to die, with the exit code and only the container labels', () => {
    expect(runtimeEventFromLibpod(died)).toEqual({
      action: 'die',
      containerId: 'f07cf812c99f',
      name: 'web-api',
      image: 'localhost/web:1',
      labels: { 'mcp.node': 'n1' },
      exitCode: 137,
      time: new Date(1795556607276),
    });
  });

  it('gives no exit code on other actions', () => {
    expect(runtimeEventFromLibpod({ ...died, Action: 'start', status: 'start' })?.exitCode).toBeUndefined();
  });

  it.each(['init', 'cleanup', 'mount', 'exec', 'attach'])('leaves out the %s action', (action) => {
    expect(runtimeEventFromLibpod({ ...died, Action: action, status: action })).toBeUndefined();
  });

  it('leaves out image events', () => {
    expect(runtimeEventFromLibpod({ ...died, Type: 'image', Action: 'remove' })).toBeUndefined();
  });
});
