// ContainerSpec → podman SpecGenerator: names, labels, ports, volumes, restart, network, refusals.
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import type { ContainerSpec } from '../types.js';
import { toSpecGenerator } from './spec-generator.js';

const base: ContainerSpec = { service: 'web', component: 'api', node: 'rift', image: 'registry.example/web:1.2' };

describe('toSpecGenerator', () => {
  it('names the container <service>-<component>, labels it and runs it under --init', () => {
    expect(toSpecGenerator(base)).toEqual({
      name: 'web-api',
      image: 'registry.example/web:1.2',
      labels: { 'mcp.node': 'rift', 'mcp.service': 'web', 'mcp.component': 'api' },
      init: true,
    });
  });

  it('maps ports to portmappings, leaving out an absent host address', () => {
    const generator = toSpecGenerator({
      ...base,
      ports: [
        { hostIp: '127.0.0.1', hostPort: 18080, containerPort: 8080, protocol: 'tcp' },
        { hostPort: 5353, containerPort: 53, protocol: 'udp' },
      ],
    });
    expect(generator.portmappings).toEqual([
      { host_ip: '127.0.0.1', host_port: 18080, container_port: 8080, protocol: 'tcp' },
      { host_port: 5353, container_port: 53, protocol: 'udp' },
    ]);
  });

  it('bind-mounts absolute host paths and mounts named volumes', () => {
    const generator = toSpecGenerator({
      ...base,
      volumes: [
        { source: '/srv/web', target: '/data', options: ['ro'] },
        { source: 'web-cache', target: '/cache', options: [] },
      ],
    });
    expect(generator.mounts).toEqual([{ type: 'bind', source: '/srv/web', destination: '/data', options: ['ro'] }]);
    expect(generator.volumes).toEqual([{ Name: 'web-cache', Dest: '/cache', Options: [] }]);
  });

  it('passes env, cmd, user and stop timeout through', () => {
    const generator = toSpecGenerator({
      ...base,
      env: { PORT: '8080' },
      cmd: ['serve', '--verbose'],
      user: '1000:1000',
      stopTimeoutSeconds: 3,
    });
    expect(generator).toMatchObject({ env: { PORT: '8080' }, command: ['serve', '--verbose'], user: '1000:1000' });
    expect(generator.stop_timeout).toBe(3);
  });

  it('keeps the image default command for an empty cmd', () => {
    expect(toSpecGenerator({ ...base, cmd: [] }).command).toBeUndefined();
  });

  it('lets the ownership labels win over extra labels', () => {
    const generator = toSpecGenerator({ ...base, labels: { 'mcp.node': 'elsewhere', team: 'edge' } });
    expect(generator.labels).toEqual({ team: 'edge', 'mcp.node': 'rift', 'mcp.service': 'web', 'mcp.component': 'api' });
  });

  it.each([
    ['unless-stopped', { restart_policy: 'unless-stopped' }],
    ['always', { restart_policy: 'always' }],
    ['no', { restart_policy: 'no' }],
    ['on-failure', { restart_policy: 'on-failure' }],
    ['on-failure:5', { restart_policy: 'on-failure', restart_tries: 5 }],
  ])('maps restart %s', (restart, expected) => {
    expect(toSpecGenerator({ ...base, restart })).toMatchObject(expected);
  });

  it.each(['sometimes', 'always:3', 'on-failure:x'])('refuses restart %s as invalid input', (restart) => {
    const failure = (() => {
      try {
        return toSpecGenerator({ ...base, restart });
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).kind).toBe('invalid-argument');
    expect((failure as RuntimeError).target).toBe('web-api');
  });

  it.each([
    ['host', { netns: { nsmode: 'host' } }],
    ['none', { netns: { nsmode: 'none' } }],
    ['slirp4netns', { netns: { nsmode: 'slirp4netns' } }],
    ['container:db', { netns: { nsmode: 'container', value: 'db' } }],
    ['ns:/run/netns/x', { netns: { nsmode: 'path', value: '/run/netns/x' } }],
    ['mcp, backend', { netns: { nsmode: 'bridge' }, Networks: { mcp: {}, backend: {} } }],
  ])('maps network %s', (network, expected) => {
    expect(toSpecGenerator({ ...base, network })).toMatchObject(expected);
  });

  it('sets memory (bytes) and pids limits when the spec has them, and none otherwise', () => {
    expect(toSpecGenerator({ ...base, memoryLimitMb: 64, pidsLimit: 100 }).resource_limits).toEqual({ memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 100 } });
    expect(toSpecGenerator({ ...base, pidsLimit: 10 }).resource_limits).toEqual({ pids: { limit: 10 } });
    expect(toSpecGenerator(base).resource_limits).toBeUndefined();
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => toSpecGenerator({ ...base, memoryLimitMb: 0 })).toThrow(/memory limit \(MB\) 0 is not a positive integer/);
  });

  it('refuses a network that is neither a mode nor network names', () => {
    expect(() => toSpecGenerator({ ...base, network: 'bad name!' })).toThrow(/network "bad name!"/);
  });

  it('refuses a relative volume target', () => {
    expect(() => toSpecGenerator({ ...base, volumes: [{ source: '/srv', target: 'data', options: [] }] })).toThrow(
      /not absolute/,
    );
  });

  it('refuses an empty image', () => {
    expect(() => toSpecGenerator({ ...base, image: ' ' })).toThrow(/image is empty/);
  });
});
