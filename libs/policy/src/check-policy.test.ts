import { loadDefinitionDir } from '@mcp/servicedef';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeployPolicy, type PolicyComponent, type PolicyService } from './check-policy.js';
import { defaultDeployPolicy, type DeployPolicy } from './deploy-policy.js';

const policy = defaultDeployPolicy({ serviceRoot: '/srv' });

function service(component: Partial<PolicyComponent>, name = 'web'): PolicyService {
  return { name, components: [{ ports: [], volumes: [], ...component }] };
}

const breaches = (definition: PolicyService, with_: DeployPolicy = policy) =>
  checkDeployPolicy(definition, with_).map(({ keyPath, rule }) => ({ keyPath, rule }));

describe('checkDeployPolicy with the default policy', () => {
  it('admits the shapes of the platform\'s real services', () => {
    const real: PolicyService = {
      name: 'mcq',
      components: [
        { network: 'mcpnet', ports: ['192.0.2.10:53:53/udp', '127.0.0.1:28443:8443'], volumes: ['/srv/mcq:/srv/mcq', '/srv/mcq/conf:/etc/mcq:ro,Z'] },
        { network: 'podman', ports: ['[::1]:9090:9090/tcp'], volumes: ['/srv/mcq/'] .map((root) => `${root}data:/data:U,nosuid,nodev`) },
      ],
    };
    expect(checkDeployPolicy(real, policy)).toEqual([]);
  });

  it('admits every example of examples/services/', async () => {
    const results = await loadDefinitionDir(resolve(import.meta.dirname, '../../../examples/services'));
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
      expect({ file: result.file, breaches: checkDeployPolicy(result.definition, policy) }).toEqual({ file: result.file, breaches: [] });
    }
  });

  it.each([
    ['/:/host', 'the root'],
    ['/etc:/etc', 'another directory'],
    ['/srv/other:/data', "another service's directory"],
    ['/srv/webapp:/data', 'a sibling that shares a prefix'],
    ['/srv/web/../other:/data', 'a path that climbs out with ..'],
    ['/srv:/srv', 'the parent of the service directories'],
  ])('refuses a bind mount of %s (%s) under mount_roots', (volume) => {
    const found = checkDeployPolicy(service({ volumes: ['/srv/web:/ok', volume] }), policy);
    expect(found.map(({ keyPath, rule }) => ({ keyPath, rule }))).toEqual([{ keyPath: 'components[0].volumes[1]', rule: 'policy.mount_roots' }]);
    expect(found[0]?.message).toContain('expected a host path under /srv/web/ (deploy policy rule policy.mount_roots)');
  });

  it.each(['suid', 'dev', 'shared', 'rshared'])('refuses the mount option %s under mount_options', (option) => {
    const found = checkDeployPolicy(service({ volumes: [`/srv/web/data:/data:ro,${option}`] }), policy);
    expect(found.map(({ keyPath, rule }) => ({ keyPath, rule }))).toEqual([{ keyPath: 'components[0].volumes[0]', rule: 'policy.mount_options' }]);
    expect(found[0]?.message).toContain(`has the option "${option}"`);
  });

  it('refuses a named podman volume under allow_named_volumes', () => {
    expect(breaches(service({ volumes: ['otherdata:/data'] }))).toEqual([{ keyPath: 'components[0].volumes[0]', rule: 'policy.allow_named_volumes' }]);
  });

  it.each([
    ['host', 'the host network'],
    ['container:db', "another container's namespace"],
    ['ns:/proc/1/ns/net', 'a namespace by path'],
    ['slirp4netns:allow_host_loopback=true', 'a mode with options podman would take'],
  ])('refuses network = %s (%s) under network_modes', (network) => {
    expect(breaches(service({ network }))).toEqual([{ keyPath: 'components[0].network', rule: 'policy.network_modes' }]);
  });

  it.each(['mcpnet', 'bridge', 'none', 'private', 'slirp4netns', 'a,b'])('admits network = %s', (network) => {
    expect(breaches(service({ network }))).toEqual([]);
  });

  it.each([
    ['8080:80', 'no address'],
    ['0.0.0.0:8080:80', 'the IPv4 wildcard'],
    ['[::]:8080:80', 'the IPv6 wildcard'],
    ['[::0]:8080:80/udp', 'another spelling of it'],
    ['[0:0:0:0:0:0:0:0]:8080:80', 'the long spelling'],
    ['[::ffff:0.0.0.0]:8080:80', 'the IPv4-mapped wildcard'],
  ])('refuses %s (%s) under allow_every_interface', (port) => {
    expect(breaches(service({ ports: [port] }))).toEqual([{ keyPath: 'components[0].ports[0]', rule: 'policy.allow_every_interface' }]);
  });

  it('reports every breach of every component at once, in definition order', () => {
    const definition: PolicyService = {
      name: 'web',
      components: [
        { ports: [], volumes: ['/srv/web:/a'] },
        { network: 'host', ports: ['127.0.0.1:80:80', '9000:9000'], volumes: ['/:/host:suid'] },
      ],
    };
    expect(breaches(definition)).toEqual([
      { keyPath: 'components[1].volumes[0]', rule: 'policy.mount_roots' },
      { keyPath: 'components[1].volumes[0]', rule: 'policy.mount_options' },
      { keyPath: 'components[1].network', rule: 'policy.network_modes' },
      { keyPath: 'components[1].ports[1]', rule: 'policy.allow_every_interface' },
    ]);
  });
});

describe('checkDeployPolicy with a configured policy', () => {
  const strict: DeployPolicy = {
    ...policy,
    mountRoots: ['/data/<service>', '/srv/shared'],
    networks: ['mcpnet'],
    hostPorts: [{ first: 53, last: 53 }, { first: 20000, last: 29999 }],
    hostAddresses: ['10.0.0.5', '::1'],
  };

  it('admits what its roots, networks, port ranges and addresses allow', () => {
    const definition = service({ network: 'mcpnet', ports: ['10.0.0.5:53:53/udp', '[0::1]:28443:8443'], volumes: ['/data/web/x:/x', '/srv/shared:/s'] });
    expect(breaches(definition, strict)).toEqual([]);
  });

  it('refuses a host port outside host_ports', () => {
    expect(breaches(service({ ports: ['10.0.0.5:8080:80'] }), strict)).toEqual([{ keyPath: 'components[0].ports[0]', rule: 'policy.host_ports' }]);
  });

  it('refuses an address outside host_addresses', () => {
    expect(breaches(service({ ports: ['127.0.0.1:28443:8443'] }), strict)).toEqual([{ keyPath: 'components[0].ports[0]', rule: 'policy.host_addresses' }]);
  });

  it('refuses a network outside networks', () => {
    expect(breaches(service({ network: 'mcpnet,backdoor' }), strict)).toEqual([{ keyPath: 'components[0].network', rule: 'policy.networks' }]);
  });

  it('puts the service name where <service> stands', () => {
    expect(breaches(service({ volumes: ['/data/other:/x'] }), strict)).toEqual([{ keyPath: 'components[0].volumes[0]', rule: 'policy.mount_roots' }]);
  });

  it('admits every interface when allow_every_interface is set', () => {
    expect(breaches(service({ ports: ['0.0.0.0:53:53/udp'] }), { ...strict, allowEveryInterface: true })).toEqual([]);
  });

  it('admits host and container: networks when network_modes lists them', () => {
    const open = { ...policy, networkModes: [...policy.networkModes, 'host' as const, 'container' as const] };
    expect(breaches(service({ network: 'host' }), open)).toEqual([]);
    expect(breaches(service({ network: 'container:db' }), open)).toEqual([]);
  });
});
