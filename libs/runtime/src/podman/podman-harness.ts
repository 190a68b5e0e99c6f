// Test support for the podman backend's tests (not exported): a private API service, the busybox image, programs.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
// The one file through which @mcp/runtime's tests reach the shared test scaffolding (see README, "Decisions").
import { createTempDir, ensureBusyboxImage, requireRuntime, uniqueName, uniqueNode } from '@mcp/testing';
export * from '@mcp/testing';
import type { ConformanceFixture, ConformanceHarness, PrintOptions, Program } from '../testing/index.js';
import type { Runtime } from '../types.js';
import { probePodmanCli } from './podman-cli.js';
import { createPodmanRuntime } from './podman-runtime.js';
import type { PodmanRuntime } from './podman-runtime.js';
import { startPodmanService } from './podman-service.js';
import type { PodmanService } from './podman-service.js';

const run = promisify(execFile);

/** Why podman tests skip here (undefined: they run); throws when MCP_REQUIRE_RUNTIME names podman. */
export function podmanSkipReason(): Promise<string | undefined> {
  return requireRuntime('podman', () => probePodmanCli());
}

/** Runs the podman CLI directly, behind the runtime's back (out-of-band actions and clean-up). */
export async function podmanCli(...args: string[]): Promise<string> {
  return (await run('podman', args)).stdout;
}

export interface PodmanTestBed {
  readonly runtime: PodmanRuntime;
  readonly service: PodmanService;
  /** The busybox test image: httpd on 8080 serving /www by default, every applet on PATH. */
  readonly image: string;
  stop(): Promise<void>;
}

/** A podman API service of the test file's own, on a socket in a temp dir, plus the busybox image. */
export async function startPodmanTestBed(): Promise<PodmanTestBed> {
  const dir = await createTempDir('mcp-podman');
  const [service, image] = await Promise.all([
    startPodmanService({ socketPath: join(dir.path, 'podman.sock') }),
    ensureBusyboxImage(),
  ]);
  const runtime = createPodmanRuntime({ socketPath: service.socketPath });
  return {
    runtime,
    service,
    image,
    async stop() {
      runtime.close();
      await service.stop();
      await dir.remove();
    },
  };
}

/** Force-removes every container bearing the node label (after each test, pass or fail). */
export async function removeNodeContainers(runtime: Runtime, node: string): Promise<void> {
  for (const container of await runtime.list({ node })) await runtime.remove(container.name, { force: true });
}

const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;
const printLines = (lines: readonly string[] | undefined, redirect = ''): string[] =>
  lines === undefined || lines.length === 0 ? [] : [`printf '%s\\n' ${lines.map(quote).join(' ')}${redirect}`];

/** `sh -c` scripts in the busybox image for each program the conformance suite asks for. */
export function busyboxPrograms(image: string): ConformanceFixture['programs'] {
  return {
    serve: (): Program => ({ image, cmd: ['httpd', '-f', '-p', '8080', '-h', '/www'] }),
    print: (options: PrintOptions): Program => {
      const script = [
        ...printLines(options.stdout),
        ...printLines(options.stderr, ' >&2'),
        ...(options.laterStdout === undefined ? [] : [`sleep ${(options.pauseMs ?? 0) / 1000}`]),
        ...printLines(options.laterStdout),
        `exit ${options.exitCode ?? 0}`,
      ].join('; ');
      return { image, cmd: ['sh', '-c', script] };
    },
    // Under --init a missing command is catatonit's failure after start; a missing user fails the start itself.
    failToStart: (): Program => ({ image, cmd: ['httpd', '-f'], user: 'mcp-no-such-user' }),
  };
}

export function podmanConformanceHarness(): ConformanceHarness {
  let bed: PodmanTestBed | undefined;
  const started = (): PodmanTestBed => {
    if (bed === undefined) throw new Error('podman test bed not started');
    return bed;
  };
  return {
    async start() {
      bed = await startPodmanTestBed();
    },
    async stop() {
      await bed?.stop();
    },
    fixture(): ConformanceFixture {
      const { runtime, image } = started();
      const unlabelled: string[] = [];
      return {
        runtime,
        node: uniqueNode(),
        uniqueName,
        programs: busyboxPrograms(image),
        presentImage: image,
        // No registry listens on port 1, so this can be neither present nor pulled.
        missingImage: `127.0.0.1:1/mcp-missing/${uniqueName('image')}:1`,
        killOutOfBand: async (name) => {
          await podmanCli('kill', name);
        },
        createUnlabelled: async (name) => {
          unlabelled.push(name);
          await podmanCli('run', '-d', '--init', '--name', name, image);
        },
        dispose: async () => {
          if (unlabelled.length > 0) await podmanCli('rm', '--force', '--time', '0', ...unlabelled.splice(0));
        },
      };
    },
  };
}
