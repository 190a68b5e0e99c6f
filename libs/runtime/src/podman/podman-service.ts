// Starts `podman system service` on a unix socket for an agent that has no podman socket configured.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { runtimeError } from '../errors.js';

export interface PodmanServiceOptions {
  readonly socketPath: string;
  readonly podmanPath?: string;
  /** How long to wait for the socket to answer. Default 15000. */
  readonly readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 5000. */
  readonly stopTimeoutMs?: number;
}

export interface PodmanService {
  readonly socketPath: string;
  readonly pid: number;
  /** Stops the service and removes its socket; safe to call twice. */
  stop(): Promise<void>;
}

const POLL_INTERVAL_MS = 25;
const STDERR_KEPT_BYTES = 4096;

/** True when something answers libpod's ping on the socket. */
export function pingPodmanSocket(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/libpod/_ping', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function failure(socketPath: string, detail: string, cause?: unknown): Error {
  return runtimeError({
    kind: 'unavailable',
    backend: 'podman',
    operation: 'start API service on',
    target: socketPath,
    detail,
    ...(cause === undefined ? {} : { cause }),
  });
}

export async function startPodmanService(options: PodmanServiceOptions): Promise<PodmanService> {
  const { socketPath } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  if (await exists(socketPath)) {
    if (await pingPodmanSocket(socketPath)) {
      throw failure(socketPath, 'a podman service already answers on this socket; use it instead of starting another');
    }
    await rm(socketPath, { force: true });
  }
  await mkdir(dirname(socketPath), { recursive: true });

  const child = spawn(options.podmanPath ?? 'podman', ['system', 'service', '--time=0', `unix://${socketPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEPT_BYTES);
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.on('error', (error) => {
      spawnError = error;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (exited === undefined && spawnError === undefined) {
      child.kill('SIGTERM');
      const timedOut = await Promise.race([exit.then(() => false), delay(stopTimeoutMs).then(() => true)]);
      if (timedOut) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    await rm(socketPath, { force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (spawnError !== undefined) throw failure(socketPath, `cannot run podman: ${spawnError.message}`, spawnError);
    if (exited !== undefined) {
      const how = exited.signal === null ? `code ${String(exited.code)}` : `signal ${exited.signal}`;
      throw failure(socketPath, `podman system service exited (${how}): ${stderr.trim() || 'no output'}`);
    }
    if (await pingPodmanSocket(socketPath)) break;
    if (Date.now() > deadline) {
      await stop();
      throw failure(socketPath, `no answer within ${readyTimeoutMs} ms: ${stderr.trim() || 'no output'}`);
    }
    await delay(POLL_INTERVAL_MS);
  }
  return { socketPath, pid: child.pid ?? 0, stop };
}
