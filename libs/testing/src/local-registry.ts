// A throwaway OCI registry (Debian's docker-registry) on a random loopback port, for push and pull tests.
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createTempDir } from './temp-dirs.js';
import type { ProbeLike } from './require-runtime.js';

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, the registry part of image references pushed to it. */
  readonly address: string;
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  readonly registryPath?: string;
  readonly readyTimeoutMs?: number;
}

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;

/** Whether the registry binary is installed, in the shape requireRuntime() takes. */
export function probeLocalRegistry(options: LocalRegistryOptions = {}): Promise<ProbeLike> {
  const binary = options.registryPath ?? 'docker-registry';
  return new Promise((resolve) => {
    execFile(binary, ['--version'], (error, stdout) => {
      resolve(
        error === null
          ? { available: true, version: stdout.trim() }
          : { available: false, reason: `${binary} not runnable (${error.message}); install docker-registry` },
      );
    });
  });
}

/** Starts a registry with its storage in a temp dir; waits until its /v2/ answers. */
export async function startLocalRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const dir = await createTempDir('mcp-registry');
  const config = join(dir.path, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: {level: info}',
      `storage: {filesystem: {rootdirectory: ${join(dir.path, 'data')}}, delete: {enabled: true}}`,
      'http: {addr: "127.0.0.1:0", secret: mcp-test-only}',
      '',
    ].join('\n'),
  );
  const child = spawn(options.registryPath ?? 'docker-registry', ['serve', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let address: string | undefined;
  let exited: string | undefined;
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8192);
    address ??= LISTENING.exec(output)?.[1];
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `exited (${signal ?? String(code)})`;
      resolve();
    });
    child.on('error', (error) => {
      exited = `could not start: ${error.message}`;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      await exit;
    }
    await dir.remove();
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`docker-registry ${exited}: ${output.trim()}`);
    }
    if (address !== undefined) {
      const ready = await fetch(`http://${address}/v2/`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return { address, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer in time: ${output.trim()}`);
    }
    await delay(25);
  }
}
