// A ContainerSpec becomes a VM's settings, or every reason it cannot, naming the field.
import { describe, expect, it } from 'vitest';
import { COMPONENT_LABEL, NODE_LABEL, SERVICE_LABEL } from '../types.js';
import type { ContainerSpec } from '../types.js';
import { vmSettingsFrom } from './vm-settings.js';

const base: ContainerSpec = { service: 'web', component: 'app', node: 'n1', image: 'localhost/vm:1' };
const problemsOf = (overrides: Partial<ContainerSpec>): string[] => {
  const result = vmSettingsFrom({ ...base, ...overrides }, { memoryMb: 256 });
  return 'problems' in result ? result.problems : [];
};

describe('vmSettingsFrom', () => {
  it('names the VM <service>-<component>, takes the default memory, one vCPU and no restart', () => {
    expect(vmSettingsFrom(base, { memoryMb: 256 })).toEqual({
      settings: {
        name: 'web-app',
        image: 'localhost/vm:1',
        labels: { [NODE_LABEL]: 'n1', [SERVICE_LABEL]: 'web', [COMPONENT_LABEL]: 'app' },
        env: {},
        ports: [],
        memoryMb: 256,
        vcpus: 1,
        restart: 'no',
      },
    });
  });

  it('keeps memory, vCPUs, cmd, restart and stop timeout from the spec, and lets ownership labels win', () => {
    const result = vmSettingsFrom(
      { ...base, memoryMb: 512, vcpus: 2, cmd: ['serve'], restart: 'on-failure:3', stopTimeoutSeconds: 5, labels: { [NODE_LABEL]: 'x', extra: 'y' } },
      { memoryMb: 256 },
    );
    expect(result).toMatchObject({
      settings: { memoryMb: 512, vcpus: 2, cmd: ['serve'], restart: 'on-failure:3', stopTimeoutSeconds: 5, labels: { [NODE_LABEL]: 'n1', extra: 'y' } },
    });
  });

  it('refuses what a VM cannot have: a named volume, a podman mount option, a podman network, a user', () => {
    const problems = problemsOf({ volumes: [{ source: 'data', target: '/b', options: ['Z'] }], network: 'bridge', user: 'nobody' });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['volumes[0].source', 'volumes[0].options', 'network', 'user']);
  });

  it('keeps host directories to share with the guest, and refuses a guest path too long for a 9p mount tag', () => {
    const volumes = [{ source: '/srv/svc', target: '/data', options: ['ro'] }];
    expect(vmSettingsFrom({ ...base, volumes }, { memoryMb: 256 })).toMatchObject({ settings: { volumes } });
    expect(problemsOf({ volumes: [{ source: '/srv/svc', target: `/${'d'.repeat(31)}`, options: [] }] })).toEqual([
      `volumes[0].target: the guest path is its 9p mount tag, at most 31 bytes; got "/${'d'.repeat(31)}"`,
    ]);
  });

  it('refuses memory below 16 MB, fractional or out-of-range vCPUs and unknown restart policies', () => {
    const problems = problemsOf({ memoryMb: 8, vcpus: 1.5, restart: 'sometimes' });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['memoryMb', 'vcpus', 'restart']);
    expect(problemsOf({ vcpus: 0 })).toEqual([expect.stringContaining('vcpus')]);
  });

  it('refuses IPv6 host addresses, bad port numbers and a host port forwarded twice', () => {
    const problems = problemsOf({
      ports: [
        { hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
        { hostPort: 70000, containerPort: 80, protocol: 'tcp' },
        { hostPort: 9000, containerPort: 90, protocol: 'tcp' },
        { hostPort: 9000, containerPort: 91, protocol: 'tcp' },
      ],
    });
    expect(problems).toEqual([
      expect.stringContaining('ports[0].hostIp'),
      expect.stringContaining('ports[1].hostPort'),
      expect.stringContaining('ports[3]: host port 9000/tcp is forwarded twice'),
    ]);
  });

  it('accepts the same port number over tcp and udp, and an IPv4 host address', () => {
    expect(
      problemsOf({
        ports: [
          { hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, protocol: 'tcp' },
          { hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, protocol: 'udp' },
        ],
      }),
    ).toEqual([]);
  });
});
