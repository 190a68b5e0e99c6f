import { parseConfig } from '@mcp/config';
import { describe, expect, it } from 'vitest';
import { defaultDeployPolicy } from './deploy-policy.js';
import { containerLimitsConfigSchema, deployPolicyFromConfig, policyConfigSchema } from './policy-config.js';

const schema = { policy: { ...policyConfigSchema('<root>/<service>'), ...containerLimitsConfigSchema() } };

function read(text: string) {
  const config = parseConfig(schema, { text, source: 'node.toml', env: {}, baseDir: '/', homedir: '/root' }).config;
  return deployPolicyFromConfig(config.policy, { file: 'node.toml', serviceRoot: '/var/srv/' });
}

describe('deployPolicyFromConfig', () => {
  it('gives the safe default, rooted at the node\'s service directory, for an empty section', () => {
    const { policy, problems } = read('');
    expect(problems).toEqual([]);
    expect(policy).toEqual(defaultDeployPolicy({ serviceRoot: '/var/srv' }));
    expect(policy.mountRoots).toEqual(['/var/srv/<service>']);
  });

  it('reads every key', () => {
    const { policy, problems } = read(
      '[policy]\nmount_roots = ["/data/<service>"]\nallow_named_volumes = true\nmount_options = ["ro"]\nnetwork_modes = ["named", "host"]\n' +
        'networks = ["mcpnet"]\nhost_ports = ["53", "20000-29999"]\nhost_addresses = ["10.0.0.5"]\nallow_every_interface = true\n' +
        'container_memory_mb = 0\ncontainer_pids = 100\n',
    );
    expect(problems).toEqual([]);
    expect(policy).toEqual({
      mountRoots: ['/data/<service>'],
      allowNamedVolumes: true,
      mountOptions: ['ro'],
      networkModes: ['named', 'host'],
      networks: ['mcpnet'],
      hostPorts: [{ first: 53, last: 53 }, { first: 20000, last: 29999 }],
      hostAddresses: ['10.0.0.5'],
      allowEveryInterface: true,
      containerLimits: { memoryMb: undefined, pids: 100 },
    });
  });

  it('names each bad entry and what was expected', () => {
    const { problems } = read(
      '[policy]\nmount_roots = ["srv/<service>"]\nmount_options = ["suidd"]\nnetwork_modes = ["hostt"]\nhost_ports = ["70000", "9-1"]\nhost_addresses = ["::", "x"]\n',
    );
    expect(problems.map((problem) => problem.keyPath)).toEqual([
      'policy.mount_roots[0]',
      'policy.mount_options[0]',
      'policy.network_modes[0]',
      'policy.host_ports[0]',
      'policy.host_ports[1]',
      'policy.host_addresses[0]',
      'policy.host_addresses[1]',
    ]);
    expect(problems[0]?.message).toBe('node.toml: policy.mount_roots[0]: got "srv/<service>"; expected an absolute directory');
  });

  it('gives the default limits to a section without the limit keys (the master runs no containers)', () => {
    const config = parseConfig({ policy: policyConfigSchema('/srv/<service>') }, { text: '', source: 'master.toml', env: {}, baseDir: '/', homedir: '/root' }).config;
    expect(deployPolicyFromConfig(config.policy, { file: 'master.toml', serviceRoot: '/srv' }).policy).toEqual(defaultDeployPolicy({ serviceRoot: '/srv' }));
  });
});
