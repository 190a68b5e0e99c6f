// Translates a ContainerSpec into the body of libpod's POST /containers/create (podman's SpecGenerator).
import { RESTART_POLICY_EXPECTED, parseRestartPolicy } from '../restart-policy.js';
import { runtimeError } from '../errors.js';
import { COMPONENT_LABEL, NODE_LABEL, SERVICE_LABEL, containerName } from '../types.js';
import type { ContainerSpec } from '../types.js';

interface Namespace {
  nsmode: string;
  value?: string;
}

/** The subset of podman's SpecGenerator (pkg/specgen) that MCP sets; field names are podman's JSON tags. */
export interface SpecGenerator {
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Run catatonit as PID 1, so a process that ignores SIGTERM (busybox httpd) still stops at once. */
  init: true;
  command?: string[];
  env?: Record<string, string>;
  user?: string;
  restart_policy?: string;
  restart_tries?: number;
  stop_timeout?: number;
  portmappings?: { host_ip?: string; host_port: number; container_port: number; protocol: string }[];
  mounts?: { type: 'bind'; source: string; destination: string; options: string[] }[];
  volumes?: { Name: string; Dest: string; Options: string[] }[];
  netns?: Namespace;
  Networks?: Record<string, Record<string, never>>;
  /** runtime-spec LinuxResources: memory in bytes, pids as a count. */
  resource_limits?: { memory?: { limit: number }; pids?: { limit: number } };
}

const NAMESPACE_MODES = new Set(['bridge', 'host', 'none', 'private', 'slirp4netns']);

function invalid(spec: ContainerSpec, detail: string): Error {
  return runtimeError({
    kind: 'invalid-argument',
    backend: 'podman',
    operation: 'create container',
    target: containerName(spec.service, spec.component),
    detail,
  });
}

function restartFields(spec: ContainerSpec, restart: string): Pick<SpecGenerator, 'restart_policy' | 'restart_tries'> {
  const policy = parseRestartPolicy(restart);
  if (policy === undefined) throw invalid(spec, `restart "${restart}": expected ${RESTART_POLICY_EXPECTED}`);
  return policy.retries === undefined ? { restart_policy: policy.name } : { restart_policy: policy.name, restart_tries: policy.retries };
}

function networkFields(spec: ContainerSpec, network: string): Pick<SpecGenerator, 'netns' | 'Networks'> {
  if (NAMESPACE_MODES.has(network)) return { netns: { nsmode: network } };
  if (network.startsWith('container:')) return { netns: { nsmode: 'container', value: network.slice(10) } };
  if (network.startsWith('ns:')) return { netns: { nsmode: 'path', value: network.slice(3) } };
  const names = network.split(',').map((name) => name.trim());
  if (names.some((name) => !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))) {
    throw invalid(spec, `network "${network}" is neither a mode (bridge, host, none, …) nor network names`);
  }
  return { netns: { nsmode: 'bridge' }, Networks: Object.fromEntries(names.map((name) => [name, {}])) };
}

function volumeFields(spec: ContainerSpec): Pick<SpecGenerator, 'mounts' | 'volumes'> {
  const fields: Pick<SpecGenerator, 'mounts' | 'volumes'> = {};
  for (const volume of spec.volumes ?? []) {
    if (!volume.target.startsWith('/')) throw invalid(spec, `volume target "${volume.target}" is not absolute`);
    if (volume.source.startsWith('/')) {
      (fields.mounts ??= []).push({
        type: 'bind',
        source: volume.source,
        destination: volume.target,
        options: [...volume.options],
      });
    } else {
      (fields.volumes ??= []).push({ Name: volume.source, Dest: volume.target, Options: [...volume.options] });
    }
  }
  return fields;
}

function resourceLimits(spec: ContainerSpec): SpecGenerator['resource_limits'] {
  const { memoryLimitMb, pidsLimit } = spec;
  if (memoryLimitMb === undefined && pidsLimit === undefined) return undefined;
  for (const [field, value] of [['memory limit (MB)', memoryLimitMb], ['pids limit', pidsLimit]] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw invalid(spec, `${field} ${value} is not a positive integer`);
  }
  return {
    ...(memoryLimitMb === undefined ? {} : { memory: { limit: memoryLimitMb * 1024 * 1024 } }),
    ...(pidsLimit === undefined ? {} : { pids: { limit: pidsLimit } }),
  };
}

export function toSpecGenerator(spec: ContainerSpec): SpecGenerator {
  for (const [field, value] of [
    ['service', spec.service],
    ['component', spec.component],
    ['node', spec.node],
    ['image', spec.image],
  ] as const) {
    if (value.trim() === '') throw invalid(spec, `${field} is empty`);
  }
  const generator: SpecGenerator = {
    name: containerName(spec.service, spec.component),
    image: spec.image,
    labels: {
      ...spec.labels,
      [NODE_LABEL]: spec.node,
      [SERVICE_LABEL]: spec.service,
      [COMPONENT_LABEL]: spec.component,
    },
    init: true,
    ...volumeFields(spec),
  };
  if (spec.cmd !== undefined && spec.cmd.length > 0) generator.command = [...spec.cmd];
  if (spec.env !== undefined) generator.env = { ...spec.env };
  if (spec.user !== undefined && spec.user !== '') generator.user = spec.user;
  if (spec.restart !== undefined && spec.restart !== '') Object.assign(generator, restartFields(spec, spec.restart));
  if (spec.network !== undefined && spec.network !== '') Object.assign(generator, networkFields(spec, spec.network));
  if (spec.stopTimeoutSeconds !== undefined) generator.stop_timeout = spec.stopTimeoutSeconds;
  const limits = resourceLimits(spec);
  if (limits !== undefined) generator.resource_limits = limits;
  if (spec.ports !== undefined && spec.ports.length > 0) {
    generator.portmappings = spec.ports.map((port) => ({
      ...(port.hostIp === undefined ? {} : { host_ip: port.hostIp }),
      host_port: port.hostPort,
      container_port: port.containerPort,
      protocol: port.protocol,
    }));
  }
  return generator;
}
