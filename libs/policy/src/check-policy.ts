// Checks a service definition against a deploy policy: every breach, each with its key path and the rule it breaks.
import { posix } from 'node:path';
import { parsePortMapping, parseVolumeMount } from '@mcp/servicedef';
import { SERVICE_PLACEHOLDER, type DeployPolicy, type PortRange } from './deploy-policy.js';
import { canonicalAddress, isEveryInterface } from './host-address.js';
import { readNetworkSetting } from './network-setting.js';

/** The parts of a component the policy judges; a ServiceDefinition's and a recorded spec's components both fit. */
export interface PolicyComponent {
  readonly network?: string | undefined;
  readonly ports: readonly string[];
  readonly volumes: readonly string[];
}

export interface PolicyService {
  readonly name: string;
  readonly components: readonly PolicyComponent[];
}

/** The config key of the rule: what an operator changes to allow what was refused. */
export type PolicyRule =
  | 'policy.mount_roots'
  | 'policy.allow_named_volumes'
  | 'policy.mount_options'
  | 'policy.network_modes'
  | 'policy.networks'
  | 'policy.host_ports'
  | 'policy.host_addresses'
  | 'policy.allow_every_interface';

export interface PolicyViolation {
  /** Where in the definition, e.g. `components[0].volumes[1]`. */
  readonly keyPath: string;
  readonly rule: PolicyRule;
  /** `<keyPath>: <what it asks>; expected <what the policy allows> (policy rule <rule>)`. */
  readonly message: string;
}

function violation(keyPath: string, rule: PolicyRule, problem: string, expected: string): PolicyViolation {
  return { keyPath, rule, message: `${keyPath}: ${problem}; expected ${expected} (deploy policy rule ${rule})` };
}

/** The mount roots for one service, normalised, without a trailing slash ('' for `/`). */
export function mountRootsFor(policy: DeployPolicy, service: string): string[] {
  return policy.mountRoots.map((root) => posix.normalize(root.split(SERVICE_PLACEHOLDER).join(service)).replace(/\/+$/, ''));
}

/** Whether `path` (absolute) is one of `roots` or inside one, after `..` and `.` segments are resolved. */
export function isUnderRoots(path: string, roots: readonly string[]): boolean {
  const normal = posix.normalize(path).replace(/\/+$/, '');
  return roots.some((root) => normal === root || normal.startsWith(`${root}/`) || root === '');
}

function describeRoots(roots: readonly string[]): string {
  return roots.length === 0 ? 'no bind mounts (no mount roots are allowed)' : `a host path under ${roots.map((root) => `${root}/`).join(' or ')}`;
}

function checkVolume(text: string, keyPath: string, roots: readonly string[], policy: DeployPolicy): PolicyViolation[] {
  const mount = parseVolumeMount(text);
  if (mount === undefined) return [];
  const found: PolicyViolation[] = [];
  if (!mount.source.startsWith('/')) {
    if (!policy.allowNamedVolumes) {
      found.push(violation(keyPath, 'policy.allow_named_volumes', `${JSON.stringify(text)} mounts the podman volume ${JSON.stringify(mount.source)}`, describeRoots(roots)));
    }
  } else if (!isUnderRoots(mount.source, roots)) {
    const normal = posix.normalize(mount.source);
    const shown = normal === mount.source ? '' : ` (that is ${JSON.stringify(normal)})`;
    found.push(violation(keyPath, 'policy.mount_roots', `${JSON.stringify(text)} mounts ${JSON.stringify(mount.source)}${shown}`, describeRoots(roots)));
  }
  const refused = mount.options.filter((option) => !policy.mountOptions.includes(option));
  if (refused.length > 0) {
    found.push(
      violation(keyPath, 'policy.mount_options', `${JSON.stringify(text)} has the option ${refused.map((option) => JSON.stringify(option)).join(', ')}`, `options among ${policy.mountOptions.join(',')}`),
    );
  }
  return found;
}

function checkNetwork(network: string, keyPath: string, policy: DeployPolicy): PolicyViolation[] {
  const setting = readNetworkSetting(network);
  const modes = `a network mode among ${policy.networkModes.join(', ')}`;
  if (setting.mode === 'unknown') return [violation(keyPath, 'policy.network_modes', `${JSON.stringify(network)} is neither a podman network mode nor network names`, modes)];
  if (!policy.networkModes.includes(setting.mode)) {
    const what = setting.mode === 'named' ? 'joins podman networks by name' : `uses the network mode "${setting.mode}"`;
    return [violation(keyPath, 'policy.network_modes', `${JSON.stringify(network)} ${what}`, modes)];
  }
  if (setting.mode === 'named' && policy.networks.length > 0) {
    const unknown = setting.names.filter((name) => !policy.networks.includes(name));
    if (unknown.length > 0) {
      return [violation(keyPath, 'policy.networks', `${JSON.stringify(network)} joins ${unknown.map((name) => JSON.stringify(name)).join(', ')}`, `networks among ${policy.networks.join(', ')}`)];
    }
  }
  return [];
}

const describeRanges = (ranges: readonly PortRange[]): string =>
  ranges.length === 0 ? 'no explicit host ports' : `a host port in ${ranges.map((range) => (range.first === range.last ? `${range.first}` : `${range.first}-${range.last}`)).join(', ')}`;

function checkPort(text: string, keyPath: string, policy: DeployPolicy): PolicyViolation[] {
  const mapping = parsePortMapping(text);
  if (mapping === undefined) return [];
  const found: PolicyViolation[] = [];
  if (!policy.hostPorts.some((range) => mapping.hostPort >= range.first && mapping.hostPort <= range.last)) {
    found.push(violation(keyPath, 'policy.host_ports', `${JSON.stringify(text)} publishes host port ${mapping.hostPort}`, describeRanges(policy.hostPorts)));
  }
  if (isEveryInterface(mapping.hostIp)) {
    if (!policy.allowEveryInterface) {
      const where = mapping.hostIp === undefined ? 'names no address, so it binds every interface' : `binds ${mapping.hostIp}, every interface`;
      found.push(violation(keyPath, 'policy.allow_every_interface', `${JSON.stringify(text)} ${where}`, 'a specific host address first, e.g. "127.0.0.1:8080:80"'));
    }
  } else if (policy.hostAddresses.length > 0) {
    const allowed = new Set(policy.hostAddresses.map(canonicalAddress));
    if (!allowed.has(canonicalAddress(mapping.hostIp ?? ''))) {
      found.push(violation(keyPath, 'policy.host_addresses', `${JSON.stringify(text)} binds ${mapping.hostIp}`, `one of the host addresses ${policy.hostAddresses.join(', ')}`));
    }
  }
  return found;
}

/** Every breach of `policy` by `service`, in definition order; empty when the policy admits it. Linear in its size. */
export function checkDeployPolicy(service: PolicyService, policy: DeployPolicy): PolicyViolation[] {
  const roots = mountRootsFor(policy, service.name);
  const found: PolicyViolation[] = [];
  service.components.forEach((component, index) => {
    const at = `components[${index}]`;
    component.volumes.forEach((text, volume) => found.push(...checkVolume(text, `${at}.volumes[${volume}]`, roots, policy)));
    if (component.network !== undefined && component.network !== '') found.push(...checkNetwork(component.network, `${at}.network`, policy));
    component.ports.forEach((text, port) => found.push(...checkPort(text, `${at}.ports[${port}]`, policy)));
  });
  return found;
}
