// The podman backend: the Runtime interface over libpod's REST API (build goes through the CLI, remote mode).
import { isAbsolute, join } from 'node:path';
import { runtimeError } from '../errors.js';
import type {
  BuildOptions,
  ContainerDetails,
  ContainerInfo,
  ContainerSpec,
  ExecOptions,
  ExecResult,
  ListOptions,
  ProbeResult,
  PullOptions,
  PushOptions,
  RemoveOptions,
  Runtime,
  StopOptions,
} from '../types.js';
import { NODE_LABEL, containerName } from '../types.js';
import { createLibpodClient, encodePathSegment } from './libpod-client.js';
import type { LibpodClient, RequestContext } from './libpod-client.js';
import { kindOfPodmanFailure } from './libpod-errors.js';
import { containerDetailsFromInspect, containerInfoFromList } from './libpod-mapping.js';
import type { LibpodInspect, LibpodListEntry } from './libpod-mapping.js';
import { PodmanCommandError, runPodman } from './podman-cli.js';
import { openEventStream, openLogStream, readProgressStream } from './podman-streams.js';
import { toSpecGenerator } from './spec-generator.js';

export interface PodmanRuntimeOptions {
  /** podman's API socket, e.g. /run/podman/podman.sock or one from startPodmanService(). */
  readonly socketPath: string;
  /** The podman binary, used for build only. Default 'podman' on PATH. */
  readonly podmanPath?: string;
}

export interface PodmanRuntime extends Runtime {
  readonly backend: 'podman';
  readonly socketPath: string;
  /** Closes idle API connections. */
  close(): void;
}

const BACKEND = 'podman';
const QUERY_ATTEMPTS = 3;
const TRANSIENT = /no such process/;

export function createPodmanRuntime(options: PodmanRuntimeOptions): PodmanRuntime {
  const client: LibpodClient = createLibpodClient({ socketPath: options.socketPath });

  /** Sends a request and returns its JSON body, or throws what a non-2xx answer means. */
  async function call<T>(
    request: Parameters<LibpodClient['request']>[0],
    context: RequestContext,
    accept: readonly number[] = [],
  ): Promise<T | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await client.request(request, context);
      const ok = (response.status >= 200 && response.status < 300) || accept.includes(response.status);
      if (ok) return response.body.length === 0 ? undefined : (JSON.parse(response.body.toString('utf8')) as T);
      // podman 4.3 fails a query that races with the container's process exiting (read /proc/<pid>/…: no such
      // process); asked again, it answers with the exited state.
      const racedWithExit = request.method === 'GET' && TRANSIENT.test(response.body.toString('utf8'));
      if (!racedWithExit || attempt >= QUERY_ATTEMPTS) throw client.failure(response, context);
    }
  }

  async function probe(): Promise<ProbeResult> {
    const context = { operation: 'probe API at', target: options.socketPath };
    try {
      const version = await call<{ Version?: string; Components?: { Name?: string; Version?: string }[] }>(
        { method: 'GET', path: '/version' },
        context,
      );
      return { available: true, version: version?.Version ?? 'unknown' };
    } catch (error) {
      return { available: false, reason: (error as Error).message };
    }
  }

  async function imageExists(reference: string): Promise<boolean> {
    const context = { operation: 'check image', target: reference };
    const response = await client.request(
      { method: 'GET', path: `/images/${encodePathSegment(reference)}/exists` },
      context,
    );
    if (response.status === 204) return true;
    if (response.status === 404) return false;
    throw client.failure(response, context);
  }

  async function pullImage(reference: string, pull: PullOptions = {}): Promise<void> {
    const context = { operation: 'pull image', target: reference };
    const response = await client.open(
      {
        method: 'POST',
        path: '/images/pull',
        query: { reference, quiet: true, tlsVerify: pull.tlsVerify },
        signal: pull.signal,
      },
      context,
    );
    await readProgressStream(response, context);
  }

  async function pushImage(reference: string, push: PushOptions = {}): Promise<void> {
    const context = { operation: 'push image', target: push.destination ?? reference };
    const response = await client.open(
      {
        method: 'POST',
        path: `/images/${encodePathSegment(reference)}/push`,
        query: { destination: push.destination, tlsVerify: push.tlsVerify, quiet: true },
        signal: push.signal,
      },
      context,
    );
    await readProgressStream(response, context);
  }

  async function buildImage(build: BuildOptions): Promise<{ imageId: string }> {
    const dockerfile = isAbsolute(build.dockerfile) ? build.dockerfile : join(build.contextDir, build.dockerfile);
    // Remote mode sends the context to the same service the rest of the runtime talks to.
    const args = ['--url', `unix://${options.socketPath}`, 'build', '--quiet', '--tag', build.tag];
    args.push('--file', dockerfile, build.contextDir);
    try {
      const { stdout } = await runPodman(args, {
        ...(options.podmanPath === undefined ? {} : { podmanPath: options.podmanPath }),
        signal: build.signal,
      });
      const imageId = stdout.trim().split('\n').pop() ?? '';
      return { imageId };
    } catch (error) {
      const detail = (error as Error).message;
      throw runtimeError({
        kind: kindOfPodmanFailure(0, detail) === 'unavailable' ? 'unavailable' : 'failed',
        backend: BACKEND,
        operation: 'build image',
        target: build.tag,
        detail,
        cause: error,
      });
    }
  }

  async function inspect(name: string): Promise<ContainerDetails> {
    const context = { operation: 'inspect container', target: name };
    const body = await call<LibpodInspect>(
      { method: 'GET', path: `/containers/${encodePathSegment(name)}/json` },
      context,
    );
    if (body === undefined) throw client.failure({ status: 0, body: Buffer.from('empty answer') }, context);
    return containerDetailsFromInspect(body);
  }

  async function createAndStart(spec: ContainerSpec): Promise<ContainerDetails> {
    const name = containerName(spec.service, spec.component);
    const generator = toSpecGenerator(spec);
    const createContext = { operation: 'create container', target: name };
    const response = await client.request(
      { method: 'POST', path: '/containers/create', json: generator },
      createContext,
    );
    if (response.status !== 201 && response.status !== 200) {
      const error = client.failure(response, createContext);
      // A missing image is about the image, not the container: say which one.
      if (error.kind === 'not-found') {
        throw runtimeError({
          kind: 'not-found',
          backend: BACKEND,
          operation: `create container ${name} from image`,
          target: spec.image,
          detail: error.detail,
          cause: error,
        });
      }
      throw error;
    }
    const startContext = { operation: 'start container', target: name };
    try {
      await call({ method: 'POST', path: `/containers/${encodePathSegment(name)}/start` }, startContext, [304]);
    } catch (error) {
      // Leave nothing half-done: a container that cannot start is removed again.
      const cleanup = await remove(name, { force: true }).then(
        () => undefined,
        (cleanupError: unknown) => cleanupError as Error,
      );
      if (cleanup === undefined) throw error;
      throw runtimeError({
        kind: 'failed',
        backend: BACKEND,
        ...startContext,
        detail: `${(error as Error).message}; removing the container again failed too: ${cleanup.message}`,
        cause: error,
      });
    }
    return inspect(name);
  }

  async function stop(name: string, stopOptions: StopOptions = {}): Promise<void> {
    await call(
      {
        method: 'POST',
        path: `/containers/${encodePathSegment(name)}/stop`,
        query: { timeout: stopOptions.timeoutSeconds },
      },
      { operation: 'stop container', target: name },
      [304],
    );
  }

  async function remove(name: string, removeOptions: RemoveOptions = {}): Promise<void> {
    const context = { operation: 'remove container', target: name };
    const reports = await call<{ Err?: string }[]>(
      {
        method: 'DELETE',
        path: `/containers/${encodePathSegment(name)}`,
        query: { force: removeOptions.force ?? false, timeout: removeOptions.force === true ? 0 : undefined },
      },
      context,
    );
    const failed = reports?.find((report) => report.Err !== undefined && report.Err !== '');
    if (failed?.Err !== undefined) throw client.failure({ status: 500, body: Buffer.from(failed.Err) }, context);
  }

  async function list(listOptions: ListOptions): Promise<ContainerInfo[]> {
    const filters = listOptions.includeUnlabelled === true ? {} : { label: [`${NODE_LABEL}=${listOptions.node}`] };
    const entries =
      (await call<LibpodListEntry[]>(
        { method: 'GET', path: '/containers/json', query: { all: true, filters: JSON.stringify(filters) } },
        { operation: 'list containers of node', target: listOptions.node },
      )) ?? [];
    const wanted = (info: ContainerInfo): boolean =>
      info.node === listOptions.node || (listOptions.includeUnlabelled === true && info.node === undefined);
    return entries
      .map(containerInfoFromList)
      .filter(wanted)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // `podman exec` exits 125 for its own failures; any other code is the command's, a value for the caller.
  async function exec(name: string, argv: readonly string[], execOptions: ExecOptions = {}): Promise<ExecResult> {
    const args = ['--url', `unix://${options.socketPath}`, 'exec', name, ...argv];
    try {
      const { stdout, stderr } = await runPodman(args, {
        ...(options.podmanPath === undefined ? {} : { podmanPath: options.podmanPath }),
        signal: execOptions.signal,
      });
      return { exitCode: 0, stdout, stderr };
    } catch (error) {
      const commandFailed = error instanceof PodmanCommandError && error.exitCode !== undefined && error.exitCode !== 125;
      if (commandFailed) return { exitCode: error.exitCode ?? 1, stdout: '', stderr: error.stderr };
      const detail = (error as Error).message;
      const missing = /no such container|no container with name or id/i.test(detail);
      throw runtimeError({
        kind: missing ? 'not-found' : kindOfPodmanFailure(0, detail) === 'unavailable' ? 'unavailable' : 'failed',
        backend: BACKEND,
        operation: 'exec in container',
        target: name,
        detail,
        cause: error,
      });
    }
  }

  return {
    backend: BACKEND,
    socketPath: options.socketPath,
    probe,
    pullImage,
    imageExists,
    createAndStart,
    stop,
    remove,
    inspect,
    list,
    logs: (name, logOptions = {}) => openLogStream(client, name, logOptions),
    events: (eventOptions) => openEventStream(client, eventOptions),
    buildImage,
    pushImage,
    exec,
    close: () => client.close(),
  };
}
