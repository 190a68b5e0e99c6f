// A Runtime in memory, scripted by data per image (start error, output, exit after N ms), for code that cannot
// use a real backend: CLI rendering, many simulated agents. Never a stand-in for a backend's own tests.
import { runtimeError } from '../errors.js';
import type { RuntimeErrorKind } from '../errors.js';
import { COMPONENT_LABEL, NODE_LABEL, SERVICE_LABEL, containerName } from '../types.js';
import type {
  ContainerDetails,
  ContainerSpec,
  ContainerState,
  LogLine,
  ProbeResult,
  Runtime,
  RuntimeEvent,
  RuntimeEventAction,
} from '../types.js';
import { liveStream } from './live-stream.js';

export interface FakeOutputLine {
  readonly stream?: 'stdout' | 'stderr';
  readonly text: string;
  /** Milliseconds after start; absent or 0 is written at start. */
  readonly afterMs?: number;
}

/** How containers of one image behave. The default runs silently until stopped. */
export interface FakeBehaviour {
  /** Start fails with this message (a RuntimeError of kind 'failed'). */
  readonly startError?: string;
  readonly output?: readonly FakeOutputLine[];
  /** Exits by itself this long after start; absent runs until stopped. */
  readonly exitAfterMs?: number;
  /** Exit code when it exits by itself. Default 0. */
  readonly exitCode?: number;
}

export interface FakeRuntimeOptions {
  /** Images present locally, with how their containers behave. */
  readonly images?: Readonly<Record<string, FakeBehaviour>>;
  /** Images a pull can fetch. */
  readonly registry?: Readonly<Record<string, FakeBehaviour>>;
  /** What probe() answers. Default available, version 'fake'. */
  readonly probe?: ProbeResult;
  readonly now?: () => Date;
}

export interface FakeRuntime extends Runtime {
  readonly backend: 'fake';
  defineImage(reference: string, behaviour?: FakeBehaviour): void;
  /** Kills a container as something outside the runtime would (exit code 137 unless given). */
  killOutOfBand(name: string, exitCode?: number): void;
  /** Adds a running container without MCP's labels, as another tool on the host would. */
  addUnlabelled(name: string, image?: string): void;
  /** References pushed so far, in order. */
  pushed(): readonly string[];
}

interface FakeContainer {
  details: ContainerDetails;
  readonly logs: LogLine[];
  readonly timers: NodeJS.Timeout[];
  readonly watchers: Set<() => void>;
}

const SIGTERM_EXIT = 143;
const SIGKILL_EXIT = 137;

export function createFakeRuntime(options: FakeRuntimeOptions = {}): FakeRuntime {
  const now = options.now ?? ((): Date => new Date());
  const images = new Map(Object.entries(options.images ?? {}));
  const registry = new Map(Object.entries(options.registry ?? {}));
  const containers = new Map<string, FakeContainer>();
  const history: RuntimeEvent[] = [];
  const eventWatchers = new Set<(event: RuntimeEvent) => void>();
  const pushedReferences: string[] = [];
  let sequence = 0;

  const fail = (kind: RuntimeErrorKind, operation: string, target: string, detail: string): Error =>
    runtimeError({ kind, backend: 'fake', operation, target, detail });

  const get = (name: string, operation: string): FakeContainer => {
    const container = containers.get(name);
    if (container === undefined) throw fail('not-found', operation, name, `no container named ${name}`);
    return container;
  };

  const emit = (container: FakeContainer, action: RuntimeEventAction, exitCode?: number): void => {
    const { details } = container;
    const event: RuntimeEvent = {
      action,
      containerId: details.id,
      name: details.name,
      image: details.image,
      labels: details.labels,
      time: now(),
      ...(exitCode === undefined ? {} : { exitCode }),
    };
    history.push(event);
    for (const watcher of eventWatchers) watcher(event);
  };

  const setState = (container: FakeContainer, state: ContainerState, exitCode?: number): void => {
    const details: ContainerDetails & { exitCode?: number; finishedAt?: Date } = { ...container.details, state };
    if (state === 'exited') Object.assign(details, { exitCode: exitCode ?? 0, finishedAt: now() });
    else for (const key of ['exitCode', 'finishedAt'] as const) delete details[key];
    container.details = details;
    for (const watcher of container.watchers) watcher();
  };

  const finish = (container: FakeContainer, exitCode: number, actions: readonly RuntimeEventAction[]): void => {
    for (const timer of container.timers.splice(0)) clearTimeout(timer);
    if (container.details.state !== 'running') return;
    for (const action of actions) if (action !== 'die') emit(container, action);
    setState(container, 'exited', exitCode);
    emit(container, 'die', exitCode);
  };

  const write = (container: FakeContainer, line: FakeOutputLine): void => {
    container.logs.push({ stream: line.stream ?? 'stdout', text: line.text, timestamp: now() });
    for (const watcher of container.watchers) watcher();
  };

  const schedule = (container: FakeContainer, afterMs: number, action: () => void): void => {
    const timer = setTimeout(action, afterMs);
    timer.unref();
    container.timers.push(timer);
  };

  const start = (container: FakeContainer, behaviour: FakeBehaviour): void => {
    container.details = { ...container.details, state: 'running', startedAt: now() };
    emit(container, 'start');
    for (const line of behaviour.output ?? []) {
      if ((line.afterMs ?? 0) === 0) write(container, line);
      else schedule(container, line.afterMs ?? 0, () => write(container, line));
    }
    const { exitAfterMs, exitCode = 0 } = behaviour;
    if (exitAfterMs !== undefined) schedule(container, exitAfterMs, () => finish(container, exitCode, []));
  };

  const create = (spec: ContainerSpec, name: string, labels: Record<string, string>): FakeContainer => {
    sequence += 1;
    const ownership = Object.fromEntries(
      [
        ['node', labels[NODE_LABEL]],
        ['service', labels[SERVICE_LABEL]],
        ['component', labels[COMPONENT_LABEL]],
      ].filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const container: FakeContainer = {
      details: {
        id: `fake${sequence.toString(16).padStart(12, '0')}`,
        name,
        image: spec.image,
        state: 'created',
        labels,
        ...ownership,
        ports: [...(spec.ports ?? [])],
        createdAt: now(),
        env: { ...spec.env },
        cmd: [...(spec.cmd ?? [])],
        ...(spec.user === undefined ? {} : { user: spec.user }),
        ...(spec.restart === undefined ? {} : { restart: spec.restart }),
        networks: spec.network === undefined ? [] : spec.network.split(','),
        volumes: [...(spec.volumes ?? [])],
        ...(spec.memoryLimitMb === undefined ? {} : { memoryLimitMb: spec.memoryLimitMb }),
        ...(spec.pidsLimit === undefined ? {} : { pidsLimit: spec.pidsLimit }),
      },
      logs: [],
      timers: [],
      watchers: new Set(),
    };
    containers.set(name, container);
    emit(container, 'create');
    return container;
  };

  const runtime: FakeRuntime = {
    backend: 'fake',
    probe: () => Promise.resolve(options.probe ?? { available: true, version: 'fake' }),

    async pullImage(reference) {
      const behaviour = registry.get(reference);
      if (behaviour === undefined) throw fail('not-found', 'pull image', reference, 'manifest unknown');
      images.set(reference, behaviour);
    },

    imageExists: (reference) => Promise.resolve(images.has(reference)),

    async createAndStart(spec) {
      const name = containerName(spec.service, spec.component);
      const behaviour = images.get(spec.image);
      if (behaviour === undefined) {
        throw fail('not-found', `create container ${name} from image`, spec.image, 'image not known');
      }
      if (containers.has(name)) throw fail('conflict', 'create container', name, 'that name is already in use');
      const labels = {
        ...spec.labels,
        [NODE_LABEL]: spec.node,
        [SERVICE_LABEL]: spec.service,
        [COMPONENT_LABEL]: spec.component,
      };
      const container = create(spec, name, labels);
      if (behaviour.startError !== undefined) {
        containers.delete(name);
        emit(container, 'remove');
        throw fail('failed', 'start container', name, behaviour.startError);
      }
      start(container, behaviour);
      return container.details;
    },

    async stop(name) {
      finish(get(name, 'stop container'), SIGTERM_EXIT, ['stop']);
    },

    async remove(name, removeOptions = {}) {
      const container = get(name, 'remove container');
      if (container.details.state === 'running') {
        if (removeOptions.force !== true) {
          throw fail('wrong-state', 'remove container', name, 'it is running; stop it or use force');
        }
        finish(container, SIGKILL_EXIT, ['kill']);
      }
      containers.delete(name);
      emit(container, 'remove');
      for (const watcher of container.watchers) watcher();
    },

    inspect: async (name) => get(name, 'inspect container').details,

    async list({ node, includeUnlabelled = false }) {
      return [...containers.values()]
        .map((container) => container.details)
        .filter((details) => details.node === node || (includeUnlabelled && details.node === undefined))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async *logs(name, logOptions = {}) {
      const container = get(name, 'read logs of container');
      const since = logOptions.since?.getTime() ?? Number.NEGATIVE_INFINITY;
      const shape = (line: LogLine): LogLine =>
        logOptions.timestamps === true ? line : { stream: line.stream, text: line.text };
      const logged = container.logs.filter((line) => (line.timestamp?.getTime() ?? 0) >= since);
      const { tail } = logOptions;
      const backlog = tail === undefined ? logged : tail === 0 ? [] : logged.slice(-tail);
      const seen = container.logs.length;
      yield* backlog.map(shape);
      if (logOptions.follow !== true || container.details.state !== 'running') return;
      yield* liveStream<LogLine>((sink) => {
        let sent = seen;
        const watcher = (): void => {
          while (sent < container.logs.length) {
            const line = container.logs[sent];
            sent += 1;
            if (line !== undefined) sink.push(shape(line));
          }
          if (container.details.state !== 'running' || !containers.has(name)) sink.end();
        };
        container.watchers.add(watcher);
        watcher();
        return () => container.watchers.delete(watcher);
      }, logOptions.signal);
    },

    async *events({ node, includeUnlabelled = false, since, signal }) {
      const mine = (event: RuntimeEvent): boolean =>
        event.labels[NODE_LABEL] === node || (includeUnlabelled && event.labels[NODE_LABEL] === undefined);
      // Replay and subscription happen in one synchronous step, so no event falls between them.
      yield* liveStream<RuntimeEvent>((sink) => {
        if (since !== undefined) for (const event of history) if (event.time >= since && mine(event)) sink.push(event);
        const watcher = (event: RuntimeEvent): void => {
          if (mine(event)) sink.push(event);
        };
        eventWatchers.add(watcher);
        return () => eventWatchers.delete(watcher);
      }, signal);
    },

    async buildImage({ tag }) {
      images.set(tag, {});
      sequence += 1;
      return { imageId: `sha256:${sequence.toString(16).padStart(64, '0')}` };
    },

    async pushImage(reference, pushOptions = {}) {
      const behaviour = images.get(reference);
      if (behaviour === undefined) throw fail('not-found', 'push image', reference, 'image not known');
      const destination = pushOptions.destination ?? reference;
      registry.set(destination, behaviour);
      pushedReferences.push(destination);
    },

    defineImage(reference, behaviour = {}) {
      images.set(reference, behaviour);
    },

    killOutOfBand(name, exitCode = SIGKILL_EXIT) {
      finish(get(name, 'kill container'), exitCode, ['kill']);
    },

    addUnlabelled(name, image = 'localhost/unlabelled:latest') {
      if (containers.has(name)) throw fail('conflict', 'create container', name, 'that name is already in use');
      start(create({ service: name, component: '', node: '', image }, name, {}), {});
    },

    pushed: () => [...pushedReferences],
  };
  return runtime;
}
