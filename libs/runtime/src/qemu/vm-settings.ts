// Checks a ContainerSpec for a VM and turns it into the settings QEMU needs (pure; every problem at once).
import { RESTART_POLICY_EXPECTED, parseRestartPolicy } from '../restart-policy.js';
import { COMPONENT_LABEL, NODE_LABEL, SERVICE_LABEL, containerName } from '../types.js';
import type { ContainerSpec, PortMapping, VolumeMount } from '../types.js';
import { MAX_MOUNT_TAG_BYTES } from './qemu-arguments.js';
import { guestCommandLineProblems } from './kernel-cmdline.js';

export const DEFAULT_VCPUS = 1;
export const MIN_MEMORY_MB = 16;
export const MAX_VCPUS = 255;

/** What one VM runs with; kept in its state dir (vm.json), so it outlives the agent. */
export interface VmSettings {
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** Init's arguments replacing the image's; absent keeps the image's. */
  readonly cmd?: readonly string[];
  readonly ports: readonly PortMapping[];
  /** Host directories shared with the guest over virtio-9p, tagged by their guest path; absent in older records. */
  readonly volumes?: readonly VolumeMount[];
  readonly memoryMb: number;
  readonly vcpus: number;
  /** no, always, unless-stopped, on-failure or on-failure:N (the supervisor restarts the VM by it). */
  readonly restart: string;
  readonly stopTimeoutSeconds?: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A VM shares an absolute host directory, read-only or not, under a guest path that fits a 9p mount tag. */
function volumeProblems(volumes: readonly VolumeMount[]): string[] {
  const problems: string[] = [];
  volumes.forEach((volume, index) => {
    const where = `volumes[${index}]`;
    if (!volume.source.startsWith('/')) problems.push(`${where}.source: a VM shares a host directory, expected an absolute path, got ${JSON.stringify(volume.source)}`);
    if (!volume.target.startsWith('/')) problems.push(`${where}.target: expected an absolute guest path, got ${JSON.stringify(volume.target)}`);
    if (Buffer.byteLength(volume.target) > MAX_MOUNT_TAG_BYTES) {
      problems.push(`${where}.target: the guest path is its 9p mount tag, at most ${MAX_MOUNT_TAG_BYTES} bytes; got ${JSON.stringify(volume.target)}`);
    }
    const other = volume.options.filter((option) => option !== 'ro' && option !== 'rw');
    if (other.length > 0) problems.push(`${where}.options: a VM share takes only ro or rw, got ${other.join(',')}`);
  });
  return problems;
}

function portProblems(ports: readonly PortMapping[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  ports.forEach((port, index) => {
    const where = `ports[${index}]`;
    for (const [field, value] of [
      ['hostPort', port.hostPort],
      ['containerPort', port.containerPort],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 65535) {
        problems.push(`${where}.${field}: expected a port number 1-65535, got ${String(value)}`);
      }
    }
    if (port.protocol !== 'tcp' && port.protocol !== 'udp') {
      problems.push(`${where}.protocol: expected tcp or udp, got ${String(port.protocol)}`);
    }
    if (port.hostIp !== undefined && port.hostIp !== '' && !IPV4.test(port.hostIp)) {
      problems.push(`${where}.hostIp: QEMU's user-mode network forwards from IPv4 addresses only, got ${port.hostIp}`);
    }
    const key = `${port.protocol}:${port.hostIp ?? ''}:${port.hostPort}`;
    if (seen.has(key)) problems.push(`${where}: host port ${port.hostPort}/${port.protocol} is forwarded twice`);
    seen.add(key);
  });
  return problems;
}

/** The settings, or every reason the spec cannot run as a VM (each naming the field and what is expected). */
export function vmSettingsFrom(
  spec: ContainerSpec,
  defaults: { readonly memoryMb: number },
): { settings: VmSettings } | { problems: string[] } {
  const problems: string[] = [];
  const memoryMb = spec.memoryMb ?? defaults.memoryMb;
  const vcpus = spec.vcpus ?? DEFAULT_VCPUS;
  if (!Number.isInteger(memoryMb) || memoryMb < MIN_MEMORY_MB) {
    problems.push(`memoryMb: expected a whole number of MB, at least ${MIN_MEMORY_MB}, got ${String(memoryMb)}`);
  }
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > MAX_VCPUS) {
    problems.push(`vcpus: expected a whole number from 1 to ${MAX_VCPUS}, got ${String(vcpus)}`);
  }
  const volumes = spec.volumes ?? [];
  problems.push(...volumeProblems(volumes));
  if (spec.network !== undefined) {
    problems.push(`network: a VM always uses QEMU's user-mode network, so network ${JSON.stringify(spec.network)} cannot apply`);
  }
  if (spec.user !== undefined) problems.push(`user: a VM has no host user to run as, got ${JSON.stringify(spec.user)}`);
  const restart = spec.restart ?? 'no';
  if (parseRestartPolicy(restart) === undefined) {
    problems.push(`restart: expected ${RESTART_POLICY_EXPECTED}, got ${JSON.stringify(restart)}`);
  }
  const stop = spec.stopTimeoutSeconds;
  if (stop !== undefined && (!Number.isFinite(stop) || stop < 0)) {
    problems.push(`stopTimeoutSeconds: expected zero or more seconds, got ${String(stop)}`);
  }
  const env = spec.env ?? {};
  problems.push(...guestCommandLineProblems(env, spec.cmd ?? []), ...portProblems(spec.ports ?? []));
  if (problems.length > 0) return { problems };
  return {
    settings: {
      name: containerName(spec.service, spec.component),
      image: spec.image,
      labels: {
        ...spec.labels,
        [NODE_LABEL]: spec.node,
        [SERVICE_LABEL]: spec.service,
        [COMPONENT_LABEL]: spec.component,
      },
      env,
      ...(spec.cmd === undefined ? {} : { cmd: spec.cmd }),
      ports: spec.ports ?? [],
      ...(volumes.length === 0 ? {} : { volumes }),
      memoryMb,
      vcpus,
      restart,
      ...(stop === undefined ? {} : { stopTimeoutSeconds: stop }),
    },
  };
}
