// The `[policy]` section of the agent's and the master's config files: one schema, one reading, for both daemons.
import { boolean, configProblem, integer, stringList, type ConfigProblem } from '@mcp/config';
import {
  DEFAULT_CONTAINER_LIMITS,
  NETWORK_MODES,
  SAFE_MOUNT_OPTIONS,
  SAFE_NETWORK_MODES,
  SERVICE_PLACEHOLDER,
  type DeployPolicy,
  type NetworkMode,
  type PortRange,
} from './deploy-policy.js';
import { isEveryInterface } from './host-address.js';
import { isIP } from 'node:net';
import { parsePortRange, VOLUME_OPTIONS } from '@mcp/servicedef';

/** The `[policy]` keys; `describeSchema` renders them in each daemon's README. */
export function policyConfigSchema(serviceRootDoc: string) {
  return {
    mount_roots: stringList({
      doc: `absolute directories bind mounts must be in ("${SERVICE_PLACEHOLDER}" stands for the service's name); empty: ${serviceRootDoc}`,
      default: [],
    }),
    allow_named_volumes: boolean({ doc: 'let volumes name podman volumes instead of host paths (any service could name another\'s)', default: false }),
    mount_options: stringList({ doc: 'mount options volumes may carry (default: all but suid, dev, shared, rshared)', default: SAFE_MOUNT_OPTIONS }),
    network_modes: stringList({
      doc: `how components may join a network, among ${NETWORK_MODES.join(', ')} ("named": podman networks by name, such as mcpnet)`,
      default: SAFE_NETWORK_MODES,
    }),
    networks: stringList({ doc: 'podman networks components may join by name; empty: any', default: [] }),
    host_ports: stringList({ doc: 'host ports explicit `ports` may publish, as "N" or "FIRST-LAST"', default: ['1-65535'] }),
    host_addresses: stringList({ doc: 'host addresses explicit `ports` may bind; empty: any one address', default: [] }),
    allow_every_interface: boolean({ doc: 'let explicit `ports` bind every interface (no address, 0.0.0.0, ::)', default: false }),
  };
}

/** The `[policy]` keys of a node that runs containers (the agent's): the limits podman puts on each. */
export function containerLimitsConfigSchema() {
  return {
    container_memory_mb: integer({ doc: 'memory limit of every container, in MB; 0: none', default: DEFAULT_CONTAINER_LIMITS.memoryMb ?? 0, min: 0, max: 8 * 1024 * 1024 }),
    container_pids: integer({ doc: 'process (pids) limit of every container; 0: none', default: DEFAULT_CONTAINER_LIMITS.pids ?? 0, min: 0, max: 4_194_304 }),
  };
}

/** What `policyConfigSchema` reads. */
export interface PolicyConfigValues {
  readonly mount_roots: readonly string[];
  readonly allow_named_volumes: boolean;
  readonly mount_options: readonly string[];
  readonly network_modes: readonly string[];
  readonly networks: readonly string[];
  readonly host_ports: readonly string[];
  readonly host_addresses: readonly string[];
  readonly allow_every_interface: boolean;
  /** Absent (the master's section): the default limits, which only agents apply. */
  readonly container_memory_mb?: number;
  readonly container_pids?: number;
}

const limitOf = (value: number | undefined, fallback: number | undefined): number | undefined =>
  value === undefined ? fallback : value === 0 ? undefined : value;

/**
 * The policy the section describes, or its problems (each naming `policy.<key>[i]`). `serviceRoot` makes the
 * default mount root, `<serviceRoot>/<service>`.
 */
export function deployPolicyFromConfig(values: PolicyConfigValues, options: { file: string; serviceRoot: string }): { policy: DeployPolicy; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const report = (key: string, what: string, expected: string): void => {
    problems.push(configProblem(options.file, `policy.${key}`, what, expected));
  };
  const roots = values.mount_roots.length === 0 ? [`${options.serviceRoot.replace(/\/+$/, '')}/${SERVICE_PLACEHOLDER}`] : values.mount_roots;
  values.mount_roots.forEach((root, index) => {
    if (!root.startsWith('/') || root.includes('\0')) report(`mount_roots[${index}]`, `got ${JSON.stringify(root)}`, 'an absolute directory');
  });
  values.mount_options.forEach((option, index) => {
    if (!(VOLUME_OPTIONS as readonly string[]).includes(option)) report(`mount_options[${index}]`, `got ${JSON.stringify(option)}`, `a mount option among ${VOLUME_OPTIONS.join(',')}`);
  });
  values.network_modes.forEach((mode, index) => {
    if (!(NETWORK_MODES as readonly string[]).includes(mode)) report(`network_modes[${index}]`, `got ${JSON.stringify(mode)}`, `one of ${NETWORK_MODES.join(', ')}`);
  });
  const hostPorts: PortRange[] = [];
  values.host_ports.forEach((text, index) => {
    const range = parsePortRange(text);
    if (range === undefined) report(`host_ports[${index}]`, `got ${JSON.stringify(text)}`, '"N" or "FIRST-LAST" with ports 1-65535');
    else hostPorts.push(range);
  });
  values.host_addresses.forEach((address, index) => {
    if (isIP(address) === 0) report(`host_addresses[${index}]`, `got ${JSON.stringify(address)}`, 'an IPv4 or IPv6 address');
    else if (isEveryInterface(address)) report(`host_addresses[${index}]`, `got ${JSON.stringify(address)}, every interface`, 'a specific address (allow_every_interface = true allows every interface)');
  });
  const policy: DeployPolicy = Object.freeze({
    mountRoots: Object.freeze([...roots]),
    allowNamedVolumes: values.allow_named_volumes,
    mountOptions: Object.freeze([...values.mount_options]),
    networkModes: Object.freeze(values.network_modes.filter((mode): mode is NetworkMode => (NETWORK_MODES as readonly string[]).includes(mode))),
    networks: Object.freeze([...values.networks]),
    hostPorts: Object.freeze(hostPorts),
    hostAddresses: Object.freeze([...values.host_addresses]),
    allowEveryInterface: values.allow_every_interface,
    containerLimits: Object.freeze({
      memoryMb: limitOf(values.container_memory_mb, DEFAULT_CONTAINER_LIMITS.memoryMb),
      pids: limitOf(values.container_pids, DEFAULT_CONTAINER_LIMITS.pids),
    }),
  });
  return { policy, problems };
}
