// The service's own snapshot step ([snapshot] method cli / exec: …), run before an export while the service runs.
import type { Service } from '@mcp/registry';
import { findOwnContainer } from '../component-container.js';
import type { AgentDeps } from '../deps.js';
import type { SnapshotMethod } from './archive-selection.js';

export interface ServiceStepOutcome {
  readonly status: 'ok' | 'failed' | 'skipped';
  /** What ran and what it said, or why nothing ran. */
  readonly detail: string;
}

/** Why a running service with `[snapshot] method = "grpc"` cannot be snapshotted live (see stepArgv). */
const GRPC_UNDEFINED =
  'snapshot method "grpc" names no call this agent can make: no gRPC snapshot contract for services is defined, and the ' +
  'service is running, so its files may be mid-write; set [snapshot] method to "cli" or "exec: <command>", or stop the ' +
  'service first (mcp stop; mcp migrate stops it itself)';

/** Longest piece of a step's output kept in the outcome (the rest is in the agent's log). */
const MAX_OUTPUT_CHARS = 400;

/**
 * What runs inside the service's first running container:
 * - `cli`: `<service> snapshot` (the service's own binary, named after it, has a `snapshot` command that writes a
 *   consistent copy of its state under /srv/<service>/ and exits 0);
 * - `exec: <cmd>`: `sh -c <cmd>` (the operator's command, shell syntax allowed).
 * Default and `full` have no step. `grpc` names no call: SPEC §8 lists the method but defines no gRPC contract a
 * service would serve for it (which service, which method, which port, which credentials), so a running service
 * with it fails the export rather than archive files it may be writing; at rest (not running, or stopped by
 * Migrate first) there is nothing to run and its files are taken as they are.
 */
export function stepArgv(service: string, method: SnapshotMethod): readonly string[] | undefined {
  if (method.kind === 'cli') return [service, 'snapshot'];
  if (method.kind === 'exec') return ['sh', '-c', method.command];
  return undefined;
}

function shorten(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_OUTPUT_CHARS ? `${trimmed.slice(0, MAX_OUTPUT_CHARS)}…` : trimmed;
}

async function firstRunningContainer(deps: AgentDeps, service: Service): Promise<string | undefined> {
  for (const component of service.components) {
    if (component.runtime !== 'container') continue;
    const details = await findOwnContainer(deps, service.name, component);
    if (details?.state === 'running') return details.name;
  }
  return undefined;
}

/** Runs the step when the method has one and the service runs here; bounded by `timeoutMs` (then killed, FAILED). */
export async function runServiceStep(
  deps: AgentDeps,
  serviceName: string,
  options: { method: SnapshotMethod; skip: boolean; timeoutMs: number },
): Promise<ServiceStepOutcome> {
  const { method } = options;
  if (method.kind === 'default' || method.kind === 'full') {
    return { status: 'skipped', detail: `snapshot method ${method.kind === 'full' ? '"full"' : '""'} has no step of the service's own` };
  }
  if (options.skip) return { status: 'skipped', detail: 'skipped on request (the service was stopped for the export)' };
  const service = deps.registry.findService(serviceName);
  if (service === undefined) return { status: 'skipped', detail: `service ${serviceName} is not deployed on this node` };
  const container = await firstRunningContainer(deps, service);
  if (container === undefined) return { status: 'skipped', detail: `service ${serviceName} is not running: its files are at rest` };
  if (method.kind === 'grpc') return { status: 'failed', detail: GRPC_UNDEFINED };
  const argv = stepArgv(serviceName, method) ?? [];
  const exec = deps.runtime.exec;
  if (exec === undefined) return { status: 'failed', detail: `the ${deps.runtime.backend} runtime cannot run commands in containers` };
  const shown = argv.join(' ');
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const result = await exec.call(deps.runtime, container, argv, { signal });
    if (result.exitCode === 0) return { status: 'ok', detail: `${shown} in ${container}: done` };
    return { status: 'failed', detail: `${shown} in ${container} exited ${result.exitCode}: ${shorten(result.stderr) || '(no output on stderr)'}` };
  } catch (error) {
    if (signal.aborted) return { status: 'failed', detail: `${shown} in ${container} did not finish within ${options.timeoutMs} ms and was stopped` };
    return { status: 'failed', detail: `${shown} in ${container} could not run: ${(error as Error).message}` };
  }
}
