// The QEMU backend: the Runtime interface for VMs, all state on disk (state dir + journal) and in live processes.
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, runtimeError } from '../errors.js';
import type {
  ContainerDetails,
  ContainerInfo,
  ContainerSpec,
  EventOptions,
  ListOptions,
  LogLine,
  LogOptions,
  ProbeResult,
  RemoveOptions,
  Runtime,
  RuntimeEvent,
  StopOptions,
} from '../types.js';
import { COMPONENT_LABEL, NODE_LABEL, SERVICE_LABEL, containerName } from '../types.js';
import { chooseAcceleration, readAccelerationFacts } from './acceleration.js';
import type { AccelerationChoice, AccelerationFactPaths, AccelerationSetting } from './acceleration.js';
import { readConsole } from './console-log.js';
import { appendEvent, followJournal, rotateJournal, subjectOf } from './event-journal.js';
import { probeQemu } from './qemu-probe.js';
import { createImageStore } from './vm-images.js';
import { discardVm, launchVm } from './vm-launch.js';
import type { LaunchContext } from './vm-launch.js';
import { VM_FILES, readRecord, removeStaleStaging, stateLayout, vmNames } from './vm-record.js';
import type { VmRecord } from './vm-record.js';
import { observeVm } from './vm-state.js';
import type { VmObservation } from './vm-state.js';
import { vmSettingsFrom } from './vm-settings.js';
import type { VmSettings } from './vm-settings.js';
import { stopVm } from './vm-stop.js';

export interface QemuRuntimeOptions {
  /** Root of the backend's state: vms/<name>/ per VM, images/<image id>/ (boot files), events.jsonl. */
  readonly stateDir: string;
  /** 'auto' (default): kvm only when it really works, else tcg. */
  readonly acceleration?: AccelerationSetting;
  /** Default 'qemu-system-x86_64', 'qemu-img' and 'podman' on PATH. */
  readonly qemuPath?: string;
  readonly qemuImgPath?: string;
  readonly podmanPath?: string;
  /** Memory of a VM whose spec gives none. Default 256. */
  readonly defaultMemoryMb?: number;
  /** Grace between the ACPI power button and QMP quit when stop() gives no timeout and the spec none. Default 10. */
  readonly defaultStopTimeoutSeconds?: number;
  /** How long QEMU may take to answer on QMP after it is started. Default 15000. */
  readonly startTimeoutMs?: number;
  /** Where to look for NanoVMs `ops`. Default: this process's PATH. */
  readonly searchPath?: string;
  /** The directory holding ops's `.ops`. Default: the home directory. */
  readonly opsHome?: string;
  /** For tests: where /proc/cpuinfo and /dev/kvm are. */
  readonly accelerationFacts?: AccelerationFactPaths;
  /** The event journal is rotated past this size when the runtime is made. Default 8 MiB. */
  readonly journalMaxBytes?: number;
}

export interface QemuRuntime extends Runtime {
  readonly backend: 'qemu';
  readonly stateDir: string;
  /** The accelerator VMs get and why (probe() reports the accelerator alone). */
  acceleration(): Promise<AccelerationChoice>;
}

const BACKEND = 'qemu';
const RUNNING_STATES = new Set(['running', 'restarting', 'stopping']);
const SWEEP_INTERVAL_MS = 1000;
/** Older than any creation can take (an ops build is bounded at 5 minutes). */
const STALE_STAGING_MS = 60 * 60 * 1000;

function ownedBy(labels: Readonly<Record<string, string>>, options: ListOptions | EventOptions): boolean {
  const node = labels[NODE_LABEL];
  return node === options.node || (options.includeUnlabelled === true && node === undefined);
}

export function infoOf(record: VmRecord, observation: VmObservation): ContainerInfo {
  const { settings } = record;
  const labels = settings.labels;
  return {
    id: record.id,
    name: settings.name,
    image: settings.image,
    state: observation.state,
    labels,
    ...(labels[NODE_LABEL] === undefined ? {} : { node: labels[NODE_LABEL] }),
    ...(labels[SERVICE_LABEL] === undefined ? {} : { service: labels[SERVICE_LABEL] }),
    ...(labels[COMPONENT_LABEL] === undefined ? {} : { component: labels[COMPONENT_LABEL] }),
    ports: settings.ports,
    createdAt: new Date(record.createdAtMs),
    ...(observation.startedAt === undefined ? {} : { startedAt: observation.startedAt }),
    ...(observation.state === 'exited' && observation.exitCode !== undefined ? { exitCode: observation.exitCode } : {}),
  };
}

function detailsOf(record: VmRecord, observation: VmObservation): ContainerDetails {
  const { settings } = record;
  return {
    ...infoOf(record, observation),
    env: settings.env,
    cmd: settings.cmd ?? [],
    restart: settings.restart,
    networks: ['user'],
    volumes: settings.volumes ?? [],
    ...(observation.state === 'exited' && observation.finishedAt !== undefined ? { finishedAt: observation.finishedAt } : {}),
    memoryMb: settings.memoryMb,
    vcpus: settings.vcpus,
  };
}

export function createQemuRuntime(options: QemuRuntimeOptions): QemuRuntime {
  const layout = stateLayout(options.stateDir);
  const podmanPath = options.podmanPath ?? 'podman';
  const images = createImageStore({ imagesDir: layout.imagesDir, podmanPath });
  const context: LaunchContext = {
    layout,
    images,
    qemuPath: options.qemuPath ?? 'qemu-system-x86_64',
    qemuImgPath: options.qemuImgPath ?? 'qemu-img',
    searchPath: options.searchPath ?? process.env.PATH ?? '',
    opsHome: options.opsHome ?? homedir(),
    startTimeoutMs: options.startTimeoutMs ?? 15_000,
    opsTimeoutMs: 300_000,
  };
  let prepared: Promise<void> | undefined;
  const prepare = (): Promise<void> => {
    prepared ??= mkdir(layout.vmsDir, { recursive: true })
      .then(() => rotateJournal(layout.journal, options.journalMaxBytes ?? 8 * 1024 * 1024))
      .then(() => removeStaleStaging(layout.vmsDir, STALE_STAGING_MS));
    return prepared;
  };

  const acceleration = async (): Promise<AccelerationChoice> =>
    chooseAcceleration(options.acceleration ?? 'auto', await readAccelerationFacts(options.accelerationFacts));

  /** The VM's directory and record; NotFoundError when there is none (a name never leaves the vms directory). */
  async function find(name: string, operation: string): Promise<{ dir: string; record: VmRecord }> {
    if (name === '' || name.startsWith('.') || name.includes('/') || name.includes('\0')) {
      throw runtimeError({ kind: 'invalid-argument', backend: BACKEND, target: name, operation, detail: 'not a VM name' });
    }
    const dir = join(layout.vmsDir, name);
    const record = await readRecord(dir);
    if (record === undefined) throw new NotFoundError({ backend: BACKEND, target: name, operation, detail: 'no such VM' });
    return { dir, record };
  }

  const observe = (dir: string, record: VmRecord): Promise<VmObservation> => observeVm(dir, record, layout.journal);

  function stopTarget(dir: string, record: VmRecord): Parameters<typeof stopVm>[0] {
    return {
      dir,
      id: record.id,
      observe: () => observe(dir, record),
      onStep: (step) => appendEvent(layout.journal, subjectOf(record), step),
    };
  }

  async function inspect(name: string): Promise<ContainerDetails> {
    const { dir, record } = await find(name, 'inspect VM');
    return detailsOf(record, await observe(dir, record));
  }

  async function list(listOptions: ListOptions): Promise<ContainerInfo[]> {
    const found: ContainerInfo[] = [];
    for (const name of await vmNames(layout.vmsDir)) {
      const dir = join(layout.vmsDir, name);
      const record = await readRecord(dir);
      if (record === undefined || !ownedBy(record.settings.labels, listOptions)) continue;
      found.push(infoOf(record, await observe(dir, record)));
    }
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  async function createAndStart(spec: ContainerSpec): Promise<ContainerDetails> {
    const result = vmSettingsFrom(spec, { memoryMb: options.defaultMemoryMb ?? 256 });
    if ('problems' in result) {
      throw runtimeError({
        kind: 'invalid-argument', backend: BACKEND, target: containerName(spec.service, spec.component), operation: 'create VM',
        detail: result.problems.join('; '),
      });
    }
    await createVm(result.settings);
    return inspect(result.settings.name);
  }

  async function createVm(settings: VmSettings): Promise<VmRecord> {
    await prepare();
    if ((await readRecord(join(layout.vmsDir, settings.name))) !== undefined) {
      throw runtimeError({ kind: 'conflict', backend: BACKEND, target: settings.name, operation: 'create VM', detail: 'a VM of that name exists' });
    }
    if (!(await images.exists(settings.image))) {
      throw new NotFoundError({ backend: BACKEND, target: settings.image, operation: 'create VM from image', detail: 'image not present; pull it first' });
    }
    const content = await images.content(settings.image);
    const choice = await acceleration();
    if (choice.unusable !== undefined) {
      throw runtimeError({ kind: 'unavailable', backend: BACKEND, target: settings.name, operation: 'create VM', detail: choice.unusable });
    }
    return launchVm(context, settings, choice.acceleration, content);
  }

  async function stop(name: string, stopOptions: StopOptions = {}): Promise<void> {
    const { dir, record } = await find(name, 'stop VM');
    const seconds = stopOptions.timeoutSeconds ?? record.settings.stopTimeoutSeconds ?? options.defaultStopTimeoutSeconds ?? 10;
    try {
      await stopVm(stopTarget(dir, record), { graceMs: seconds * 1000, quitMs: 5000, killMs: 5000 });
    } catch (error) {
      throw runtimeError({ kind: 'failed', backend: BACKEND, target: name, operation: 'stop VM', detail: (error as Error).message, cause: error });
    }
  }

  async function remove(name: string, removeOptions: RemoveOptions = {}): Promise<void> {
    const { dir, record } = await find(name, 'remove VM');
    const observation = await observe(dir, record);
    if ((RUNNING_STATES.has(observation.state) || observation.supervisorAlive) && removeOptions.force !== true) {
      throw runtimeError({
        kind: 'wrong-state', backend: BACKEND, target: name, operation: 'remove VM',
        detail: `the VM is ${observation.state}; stop it first or remove with force`,
      });
    }
    try {
      await discardVm(context, dir, record, true);
    } catch (error) {
      throw runtimeError({ kind: 'failed', backend: BACKEND, target: name, operation: 'remove VM', detail: (error as Error).message, cause: error });
    }
  }

  async function* logs(name: string, logOptions: LogOptions = {}): AsyncGenerator<LogLine> {
    const { dir, record } = await find(name, 'read logs of VM');
    yield* readConsole(join(dir, VM_FILES.console), logOptions, {
      finished: async () => {
        if ((await readRecord(dir)) === undefined) return true;
        const observation = await observe(dir, record);
        return observation.state === 'exited' || (observation.state === 'created' && !observation.supervisorAlive);
      },
    });
  }

  async function* events(eventOptions: EventOptions): AsyncGenerator<RuntimeEvent> {
    await prepare();
    let lastSweep = 0;
    // Looking at the node's VMs now and then reaps those whose supervisor vanished, which journals their die.
    const sweep = async (): Promise<void> => {
      if (Date.now() - lastSweep < SWEEP_INTERVAL_MS) return;
      lastSweep = Date.now();
      await list({ node: eventOptions.node, ...(eventOptions.includeUnlabelled === undefined ? {} : { includeUnlabelled: eventOptions.includeUnlabelled }) });
    };
    const follow = followJournal(layout.journal, {
      ...(eventOptions.since === undefined ? {} : { since: eventOptions.since }),
      ...(eventOptions.signal === undefined ? {} : { signal: eventOptions.signal }),
      beforeRead: sweep,
    });
    for await (const event of follow) if (ownedBy(event.labels, eventOptions)) yield event;
  }

  const notForVms = (operation: string, target: string): never => {
    throw runtimeError({
      kind: 'invalid-argument', backend: BACKEND, target, operation,
      detail: 'VMs are not built or pushed by the QEMU backend: build an OCI image holding /boot/vmlinux (or /disk/*.img) with podman, and push it as any image',
    });
  };

  return {
    backend: BACKEND,
    stateDir: options.stateDir,
    acceleration,
    probe: (): Promise<ProbeResult> =>
      probeQemu({ qemuPath: context.qemuPath, qemuImgPath: context.qemuImgPath, podmanPath }, acceleration),
    pullImage: (reference, pullOptions = {}) => images.pull(reference, pullOptions),
    imageExists: (reference) => images.exists(reference),
    createAndStart,
    stop,
    remove,
    inspect,
    list,
    logs,
    events,
    buildImage: async (buildOptions) => notForVms('build image', buildOptions.tag),
    pushImage: async (reference) => notForVms('push image', reference),
  };
}
