// Maps libpod's list, inspect and event JSON to the runtime's domain types (pure; no I/O).
import { COMPONENT_LABEL, NODE_LABEL, SERVICE_LABEL } from '../types.js';
import type {
  ContainerDetails,
  ContainerInfo,
  ContainerState,
  PortMapping,
  RuntimeEvent,
  RuntimeEventAction,
  VolumeMount,
} from '../types.js';

/** An entry of GET /libpod/containers/json, as podman 4.x and 5.x send it (only what we read). */
export interface LibpodListEntry {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  State?: string;
  Labels?: Record<string, string> | null;
  Ports?: { host_ip?: string; container_port: number; host_port: number; range?: number; protocol?: string }[] | null;
  Created?: string;
  StartedAt?: number;
  Exited?: boolean;
  ExitCode?: number;
}

/** GET /libpod/containers/{name}/json (only what we read). */
export interface LibpodInspect {
  Id: string;
  Name: string;
  ImageName?: string;
  Created?: string;
  State?: {
    Status?: string;
    Restarting?: boolean;
    StartedAt?: string;
    FinishedAt?: string;
    ExitCode?: number;
  };
  Config?: {
    Image?: string;
    Labels?: Record<string, string> | null;
    Env?: string[] | null;
    Cmd?: string[] | null;
    User?: string;
  };
  HostConfig?: {
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
    NetworkMode?: string;
    PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    /** Bytes; 0: no limit. */
    Memory?: number;
    /** 0 or absent: no limit. */
    PidsLimit?: number;
  };
  NetworkSettings?: { Networks?: Record<string, unknown> | null };
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination?: string; RW?: boolean }[] | null;
}

/** One line of GET /libpod/events. */
export interface LibpodEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  from?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> | null };
}

const STATES: Record<string, ContainerState> = {
  configured: 'created',
  created: 'created',
  initialized: 'created',
  running: 'running',
  paused: 'paused',
  stopping: 'stopping',
  stopped: 'exited',
  exited: 'exited',
  removing: 'removing',
};

function stateOf(status: string | undefined, restarting = false): ContainerState {
  if (restarting) return 'restarting';
  return STATES[status ?? ''] ?? 'unknown';
}

/** Go's zero time (0001-01-01) and unix 0 mean "never". */
function dateOf(value: string | number | undefined): Date | undefined {
  if (value === undefined || value === '' || value === 0) return undefined;
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() <= 1970 ? undefined : date;
}

function protocolOf(value: string | undefined): PortMapping['protocol'] {
  return value === 'udp' ? 'udp' : 'tcp';
}

function ownership(labels: Readonly<Record<string, string>>): Pick<ContainerInfo, 'node' | 'service' | 'component'> {
  const owned: { node?: string; service?: string; component?: string } = {};
  if (labels[NODE_LABEL] !== undefined) owned.node = labels[NODE_LABEL];
  if (labels[SERVICE_LABEL] !== undefined) owned.service = labels[SERVICE_LABEL];
  if (labels[COMPONENT_LABEL] !== undefined) owned.component = labels[COMPONENT_LABEL];
  return owned;
}

function listPorts(ports: LibpodListEntry['Ports']): PortMapping[] {
  const mappings: PortMapping[] = [];
  for (const port of ports ?? []) {
    for (let offset = 0; offset < Math.max(1, port.range ?? 1); offset += 1) {
      mappings.push({
        ...(port.host_ip === undefined || port.host_ip === '' ? {} : { hostIp: port.host_ip }),
        hostPort: port.host_port + offset,
        containerPort: port.container_port + offset,
        protocol: protocolOf(port.protocol),
      });
    }
  }
  return mappings;
}

function inspectPorts(bindings: NonNullable<LibpodInspect['HostConfig']>['PortBindings']): PortMapping[] {
  const mappings: PortMapping[] = [];
  for (const [key, hosts] of Object.entries(bindings ?? {})) {
    const [port = '', protocol] = key.split('/');
    for (const host of hosts ?? []) {
      mappings.push({
        ...(host.HostIp === undefined || host.HostIp === '' ? {} : { hostIp: host.HostIp }),
        hostPort: Number(host.HostPort),
        containerPort: Number(port),
        protocol: protocolOf(protocol),
      });
    }
  }
  return mappings;
}

export function containerInfoFromList(entry: LibpodListEntry): ContainerInfo {
  const labels = entry.Labels ?? {};
  const state = stateOf(entry.State);
  const startedAt = dateOf(entry.StartedAt);
  return {
    id: entry.Id,
    name: entry.Names?.[0] ?? entry.Id,
    image: entry.Image ?? '',
    state,
    labels,
    ...ownership(labels),
    ports: listPorts(entry.Ports),
    createdAt: dateOf(entry.Created) ?? new Date(0),
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(state === 'exited' && entry.ExitCode !== undefined ? { exitCode: entry.ExitCode } : {}),
  };
}

function envRecord(env: readonly string[] | null | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of env ?? []) {
    const equals = entry.indexOf('=');
    if (equals > 0) record[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return record;
}

function restartOf(policy: { Name?: string; MaximumRetryCount?: number } | undefined): string | undefined {
  if (policy?.Name === undefined || policy.Name === '') return undefined;
  const retries = policy.MaximumRetryCount ?? 0;
  return policy.Name === 'on-failure' && retries > 0 ? `on-failure:${retries}` : policy.Name;
}

function volumesOf(mounts: LibpodInspect['Mounts']): VolumeMount[] {
  return (mounts ?? []).map((mount) => ({
    source: (mount.Type === 'volume' ? mount.Name : mount.Source) ?? '',
    target: mount.Destination ?? '',
    options: mount.RW === false ? ['ro'] : [],
  }));
}

export function containerDetailsFromInspect(inspect: LibpodInspect): ContainerDetails {
  const labels = inspect.Config?.Labels ?? {};
  const state = stateOf(inspect.State?.Status, inspect.State?.Restarting);
  const startedAt = dateOf(inspect.State?.StartedAt);
  const finishedAt = dateOf(inspect.State?.FinishedAt);
  const restart = restartOf(inspect.HostConfig?.RestartPolicy);
  const user = inspect.Config?.User;
  const networks = Object.keys(inspect.NetworkSettings?.Networks ?? {});
  const mode = inspect.HostConfig?.NetworkMode;
  return {
    id: inspect.Id,
    name: inspect.Name,
    image: inspect.Config?.Image ?? inspect.ImageName ?? '',
    state,
    labels,
    ...ownership(labels),
    ports: inspectPorts(inspect.HostConfig?.PortBindings),
    createdAt: dateOf(inspect.Created) ?? new Date(0),
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(finishedAt === undefined || state !== 'exited' ? {} : { finishedAt }),
    ...(state === 'exited' && inspect.State?.ExitCode !== undefined ? { exitCode: inspect.State.ExitCode } : {}),
    env: envRecord(inspect.Config?.Env),
    cmd: inspect.Config?.Cmd ?? [],
    ...(user === undefined || user === '' ? {} : { user }),
    ...(restart === undefined ? {} : { restart }),
    networks: networks.length > 0 || mode === undefined || mode === '' ? networks : [mode],
    volumes: volumesOf(inspect.Mounts),
    ...limitsOf(inspect.HostConfig),
  };
}

function limitsOf(host: LibpodInspect['HostConfig']): Pick<ContainerDetails, 'memoryLimitMb' | 'pidsLimit'> {
  const memory = host?.Memory ?? 0;
  const pids = host?.PidsLimit ?? 0;
  return {
    ...(memory > 0 ? { memoryLimitMb: Math.round(memory / (1024 * 1024)) } : {}),
    ...(pids > 0 ? { pidsLimit: pids } : {}),
  };
}

const ACTIONS: Record<string, RuntimeEventAction> = {
  create: 'create',
  start: 'start',
  stop: 'stop',
  kill: 'kill',
  died: 'die',
  die: 'die',
  restart: 'restart',
  pause: 'pause',
  unpause: 'unpause',
  remove: 'remove',
};

/** Attributes podman mixes into an event's labels; everything else there is a container label. */
const EVENT_ATTRIBUTES = new Set(['containerExitCode', 'image', 'name', 'podId']);

/** The domain event, or undefined for what the runtime does not report (init, cleanup, mount, exec, images). */
export function runtimeEventFromLibpod(event: LibpodEvent): RuntimeEvent | undefined {
  if (event.Type !== 'container') return undefined;
  const action = ACTIONS[event.Action ?? event.status ?? ''];
  if (action === undefined) return undefined;
  const attributes = event.Actor?.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!EVENT_ATTRIBUTES.has(key)) labels[key] = value;
  }
  const exitCode = Number(attributes.containerExitCode);
  const time =
    event.timeNano !== undefined ? new Date(Math.floor(event.timeNano / 1e6)) : new Date((event.time ?? 0) * 1000);
  return {
    action,
    containerId: event.Actor?.ID ?? event.id ?? '',
    name: attributes.name ?? '',
    image: attributes.image ?? event.from ?? '',
    labels,
    ...(action === 'die' && Number.isInteger(exitCode) ? { exitCode } : {}),
    time,
  };
}
