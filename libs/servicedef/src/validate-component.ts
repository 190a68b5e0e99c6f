// Validates one `[[components]]` table: image, runtime-specific keys, podman options and its routes.
import { parseRestartPolicy, RESTART_POLICY_EXPECTED } from '@mcp/runtime';
import { checkWord, oneOf, WORD_EXPECTED } from './checks.js';
import { ENV_EXPECTED, parseEnvEntry, routePortVariable } from './env-entry.js';
import type { FieldReader } from './field-reader.js';
import { checkImage, IMAGE_EXPECTED } from './image-reference.js';
import { checkName, NAME_EXPECTED } from './names.js';
import { parsePortMapping, PORT_MAPPING_EXPECTED } from './port-mapping.js';
import { checkRouteNames, readRoute } from './validate-route.js';
import type { ComponentDefinition, ComponentRuntime, RouteDefinition } from './types.js';
import { parseVolumeMount, VOLUME_EXPECTED } from './volume-mount.js';

export const COMPONENT_KEYS = [
  'name', 'image', 'runtime', 'memory', 'vcpus', 'network', 'user', 'restart', 'ports', 'volumes', 'cmd', 'env', 'routes',
] as const;
/** Keys that only podman understands; a VM refuses them rather than silently ignoring them. */
export const CONTAINER_ONLY_KEYS = ['network', 'user', 'restart'] as const;
/** A VM's volume: a host directory shared with the guest over virtfs/9p, read-only or not; no podman options. */
const VM_VOLUME_EXPECTED =
  '"/host/dir:/guest/dir[:ro|rw]" with absolute paths, the guest path at most 31 bytes (its 9p mount tag; a VM shares a host directory over virtfs, so no named volumes or podman options)';
const checkVmVolume = (value: string): string | undefined => {
  const mount = parseVolumeMount(value);
  const shareable =
    mount !== undefined &&
    mount.source.startsWith('/') &&
    Buffer.byteLength(mount.target) <= 31 &&
    mount.options.every((option) => option === 'ro' || option === 'rw');
  return shareable ? undefined : `found ${JSON.stringify(value)}`;
};
/** Keys that size a VM; podman containers are not sized by MCP. */
export const VM_ONLY_KEYS = ['memory', 'vcpus'] as const;
const RUNTIMES: readonly ComponentRuntime[] = ['container', 'unikernel'];
const INT32_MAX = 2147483647;
const checkParsed = (parse: (text: string) => unknown) => (value: string): string | undefined =>
  parse(value) === undefined ? `found ${JSON.stringify(value)}` : undefined;

export function readComponent(component: FieldReader): ComponentDefinition {
  component.knownKeys(COMPONENT_KEYS);
  const name = component.string('name', NAME_EXPECTED, { required: true, check: checkName });
  const image = component.string('image', IMAGE_EXPECTED, { required: true, check: checkImage });
  const runtime = component.string('runtime', 'one of "container", "unikernel"', { check: oneOf(RUNTIMES) }) as ComponentRuntime | undefined;
  // With an unreadable runtime, the runtime-specific rules cannot be judged: only the types are checked.
  const runtimeKnown = runtime !== undefined || !component.has('runtime');
  const isVm = runtime === 'unikernel';

  if (runtimeKnown && !isVm) {
    for (const key of VM_ONLY_KEYS) {
      if (component.has(key)) component.report([key], 'not allowed for a container component', `no "${key}" key unless runtime = "unikernel" (it sizes the VM)`);
    }
  }
  const sizesVm = isVm || !runtimeKnown;
  const memoryMb = sizesVm
    ? component.integer('memory', { min: 1, max: INT32_MAX, expected: 'a positive integer (MB of VM memory)', required: isVm })
    : undefined;
  const vcpus = sizesVm ? component.integer('vcpus', { min: 1, max: INT32_MAX, expected: 'a positive integer (VM CPUs)' }) : undefined;

  const podmanKeyAllowed = (key: (typeof CONTAINER_ONLY_KEYS)[number]): boolean => {
    if (!isVm || !component.has(key)) return true;
    component.report([key], 'not allowed for a unikernel component', `no "${key}" key with runtime = "unikernel" (it is a podman setting)`);
    return false;
  };
  const network = podmanKeyAllowed('network') ? component.string('network', `a podman network name: ${WORD_EXPECTED}`, { check: checkWord }) : undefined;
  const user = podmanKeyAllowed('user') ? component.string('user', `"user[:group]": ${WORD_EXPECTED}`, { check: checkWord }) : undefined;
  const restart = podmanKeyAllowed('restart') ? component.string('restart', RESTART_POLICY_EXPECTED, { check: checkParsed(parseRestartPolicy) }) : undefined;
  const volumes = readVolumes(component, isVm);
  const ports = component.stringList('ports', PORT_MAPPING_EXPECTED, checkParsed(parsePortMapping));
  const cmd = component.stringList('cmd', 'a string');

  const routeReaders = component.tableList('routes', 'a list of [[components.routes]] tables') ?? [];
  const routes = routeReaders.map(readRoute);
  checkRouteNames(component, routeReaders, routes);
  const env = readEnv(component, routes);

  const definition: ComponentDefinition = {
    name: name ?? '',
    image: image ?? '',
    runtime: runtime ?? 'container',
    vcpus: vcpus ?? 1,
    ports: ports ?? [],
    volumes: volumes ?? [],
    env: env ?? [],
    routes,
  };
  if (memoryMb !== undefined) definition.memoryMb = memoryMb;
  if (network !== undefined) definition.network = network;
  if (user !== undefined) definition.user = user;
  if (restart !== undefined) definition.restart = restart;
  if (cmd !== undefined && cmd.length > 0) definition.cmd = cmd;
  return definition;
}

function readVolumes(component: FieldReader, isVm: boolean): string[] | undefined {
  const volumes = isVm
    ? component.stringList('volumes', VM_VOLUME_EXPECTED, checkVmVolume)
    : component.stringList('volumes', VOLUME_EXPECTED, checkParsed(parseVolumeMount));
  const targets = new Map<string, number>();
  volumes?.forEach((volume, index) => {
    const target = parseVolumeMount(volume)?.target ?? '';
    const first = targets.get(target);
    if (first === undefined) targets.set(target, index);
    else component.report(['volumes', index], `found ${JSON.stringify(volume)}, whose ${isVm ? 'guest' : 'container'} path is already mounted by volumes[${first}]`, `one mount per ${isVm ? 'guest' : 'container'} path`);
  });
  return volumes;
}

function readEnv(component: FieldReader, routes: readonly RouteDefinition[]): string[] | undefined {
  const env = component.stringList('env', ENV_EXPECTED, checkParsed(parseEnvEntry));
  // MCP sets $PORT (single route) and $PORT_<NAME> (named routes); an operator value would silently lose.
  const reserved = new Set(routes.filter((route) => route.name !== '').map((route) => routePortVariable(route.name)));
  if (routes.length === 1) reserved.add('PORT');
  const keys = new Map<string, number>();
  env?.forEach((entry, index) => {
    const key = parseEnvEntry(entry)?.key ?? '';
    const first = keys.get(key);
    if (reserved.has(key)) component.report(['env', index], `found ${JSON.stringify(entry)}, but MCP sets $${key} from the routes`, 'no PORT or PORT_<ROUTE> entries');
    else if (first !== undefined) component.report(['env', index], `found ${JSON.stringify(entry)}, but ${key} is already set by env[${first}]`, 'each variable set once');
    else keys.set(key, index);
  });
  return env;
}
