// The one translation of a recorded component into what the runtime runs (deploy, start, restart and recover use it).
import type { DeployPolicy } from '@mcp/policy';
import type { ComponentSpec, RouteSpec } from '@mcp/registry';
import type { ContainerSpec, PortMapping, VolumeMount } from '@mcp/runtime';
import { parseEnvEntry, parsePortMapping, parseVolumeMount, routePortVariable } from '@mcp/servicedef';
import { hardenedMount } from './deploy-policy.js';
import { FailedPreconditionError } from './errors.js';

export interface ContainerSpecInput {
  readonly node: string;
  readonly service: string;
  /** As recorded: routes carry their allocated host ports. */
  readonly component: ComponentSpec;
  /** The node's deploy policy: mount options it adds, limits of containers. */
  readonly policy: DeployPolicy;
}

function malformed(input: ContainerSpecInput, key: string, value: string): FailedPreconditionError {
  return new FailedPreconditionError(
    `component "${input.component.name}" of service "${input.service}" has a malformed ${key} entry "${value}" in the registry; deploy the service again to record a valid definition`,
  );
}

function hostPortOf(input: ContainerSpecInput, route: RouteSpec): number {
  if (route.hostPort === undefined) {
    const label = route.name === '' ? `on listener ${route.port}` : `"${route.name}"`;
    throw new FailedPreconditionError(
      `route ${label} of component "${input.component.name}" of service "${input.service}" has no host port (the service was undeployed); start or deploy the service to allocate one`,
    );
  }
  return route.hostPort;
}

/**
 * `$PORT_<NAME>` for every named route and `$PORT` when the component has exactly one route, set after the
 * definition's own env (validation refuses those keys there, so nothing is overridden in practice).
 */
export function routeEnvironment(input: ContainerSpecInput): Record<string, string> {
  const env: Record<string, string> = {};
  const routes = input.component.routes;
  for (const route of routes) {
    if (route.name !== '') env[routePortVariable(route.name)] = String(hostPortOf(input, route));
  }
  const only = routes.length === 1 ? routes[0] : undefined;
  if (only !== undefined) env.PORT = String(hostPortOf(input, only));
  return env;
}

/**
 * The app listens on its route's host port inside the container and podman publishes it on the same number
 * (SPEC §3), so a route port means the same thing inside and outside; the explicit `ports` come after. Route ports
 * bind 127.0.0.1 only: the node's proxy forwards to them, nothing else should reach them (VM forwards bind the same).
 */
/** Where route host ports are published, and so where the proxy's backends are. */
export const ROUTE_HOST_IP = '127.0.0.1';

export function publishedPorts(input: ContainerSpecInput): PortMapping[] {
  const routePorts = input.component.routes.map((route): PortMapping => {
    const port = hostPortOf(input, route);
    return { hostIp: ROUTE_HOST_IP, hostPort: port, containerPort: port, protocol: 'tcp' };
  });
  const explicit = input.component.ports.map((text): PortMapping => {
    const mapping = parsePortMapping(text);
    if (mapping === undefined) throw malformed(input, 'ports', text);
    return mapping;
  });
  return [...routePorts, ...explicit];
}

export function containerSpecFor(input: ContainerSpecInput): ContainerSpec {
  const { component } = input;
  const env: Record<string, string> = {};
  for (const entry of component.env) {
    const parsed = parseEnvEntry(entry);
    if (parsed === undefined) throw malformed(input, 'env', entry);
    env[parsed.key] = parsed.value;
  }
  Object.assign(env, routeEnvironment(input));
  const isContainer = component.runtime === 'container';
  const volumes = component.volumes.map((text): VolumeMount => {
    const mount = parseVolumeMount(text);
    if (mount === undefined) throw malformed(input, 'volumes', text);
    // podman's mount options; a VM's shared directories are the QEMU backend's business.
    return isContainer ? hardenedMount(input.policy, mount) : mount;
  });
  const { memoryMb: memoryLimitMb, pids: pidsLimit } = input.policy.containerLimits;
  return {
    service: input.service,
    component: component.name,
    node: input.node,
    image: component.image,
    ports: publishedPorts(input),
    env,
    volumes,
    ...(component.network === undefined ? {} : { network: component.network }),
    ...(component.user === undefined ? {} : { user: component.user }),
    ...(component.restart === undefined ? {} : { restart: component.restart }),
    ...(component.cmd === undefined ? {} : { cmd: component.cmd }),
    // A VM's size (QEMU's -m and -smp); podman ignores them, as the definition allows them only for unikernels.
    ...(component.memoryMb === undefined ? {} : { memoryMb: component.memoryMb }),
    vcpus: component.vcpus,
    ...(isContainer && memoryLimitMb !== undefined ? { memoryLimitMb } : {}),
    ...(isContainer && pidsLimit !== undefined ? { pidsLimit } : {}),
  };
}
