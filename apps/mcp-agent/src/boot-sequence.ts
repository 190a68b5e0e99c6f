// The boot sequence (SPEC §4): ordered stages of services started before the agent accepts RPCs, each health-checked;
// the first stage waits until it is healthy, a later one that is not warns and the sequence goes on.
import { ResultStatus } from '@mcp/proto';
import { setTimeout as delay } from 'node:timers/promises';
import { describeTarget, runHealthCheck, type CheckResult, type CheckTarget } from './boot-checks.js';
import type { AgentDeps, AgentLog } from './deps.js';
import { recoverServices } from './recover.js';

export interface BootStage {
  readonly name: string;
  readonly services: readonly string[];
  readonly target: CheckTarget;
  /** How long one check may take. */
  readonly timeoutMs: number;
  /** Pause between two checks. */
  readonly retryIntervalMs: number;
  /** How long a stage after the first keeps checking before the sequence goes on without it. */
  readonly waitMs: number;
}

export interface SkippedService {
  readonly service: string;
  readonly reason: string;
}

export interface StageOutcome {
  readonly name: string;
  /** `skipped`: none of its services could be started (not deployed here, or stopped), so it was not checked. */
  readonly status: 'healthy' | 'unhealthy' | 'skipped';
  readonly attempts: number;
  readonly skipped: readonly SkippedService[];
}

export interface BootSequenceOptions {
  /** Aborting ends the wait of the first stage (the agent is being stopped). */
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  readonly check?: (target: CheckTarget, timeoutMs: number) => Promise<CheckResult>;
}

const defaultSleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  delay(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);

/**
 * Starts what should run of the stage with Recover (so nothing is pulled, and a service the operator stopped stays
 * stopped). A service the registry does not know, or one stopped, is skipped with a warning.
 */
async function startStageServices(deps: AgentDeps, stage: BootStage, log: AgentLog): Promise<SkippedService[]> {
  const skipped: SkippedService[] = [];
  for (const name of stage.services) {
    const service = deps.registry.findService(name);
    const reason =
      service === undefined ? 'not deployed on this node' : service.active ? undefined : 'stopped by the operator (desired state stopped)';
    if (reason !== undefined) {
      log.warn({ service: name, reason }, 'boot stage: service not started');
      skipped.push({ service: name, reason });
      continue;
    }
    const outcome = await recoverServices(deps, { service: name });
    for (const result of outcome.results) {
      const fields = { service: result.service, component: result.component };
      if (result.status === ResultStatus.FAILED) log.warn({ ...fields, error: result.error }, 'boot stage: could not start component');
      else log.info({ ...fields, detail: result.detail }, 'boot stage: component started');
    }
  }
  return skipped;
}

async function waitUntilHealthy(
  deps: AgentDeps,
  stage: BootStage,
  first: boolean,
  log: AgentLog,
  options: BootSequenceOptions,
): Promise<{ healthy: boolean; attempts: number }> {
  const check = options.check ?? runHealthCheck;
  const sleep = options.sleep ?? defaultSleep;
  const startedMs = deps.clock.now().getTime();
  const target = describeTarget(stage.target);
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted === true) throw new Error(`boot sequence interrupted while waiting for stage "${stage.name}"`);
    const result = await check(stage.target, stage.timeoutMs);
    if (result.healthy) {
      log.info({ attempt, target, detail: result.detail }, 'boot stage healthy');
      return { healthy: true, attempts: attempt };
    }
    const waitedMs = deps.clock.now().getTime() - startedMs;
    if (!first && waitedMs >= stage.waitMs) {
      log.warn({ attempt, target, reason: result.reason, waitedMs }, 'boot stage not healthy; the boot sequence goes on without it');
      return { healthy: false, attempts: attempt };
    }
    const fields = { attempt, target, reason: result.reason, retryInMs: stage.retryIntervalMs };
    // The first stage blocks the agent: each failed attempt is worth a warning.
    if (first) log.warn(fields, 'boot stage not healthy yet; the agent waits for it');
    else log.info(fields, 'boot stage not healthy yet');
    await sleep(stage.retryIntervalMs, options.signal);
  }
}

/** Runs the stages in order; resolves when the last one is done (the first one healthy, the others checked). */
export async function runBootSequence(
  deps: AgentDeps,
  stages: readonly BootStage[],
  options: BootSequenceOptions = {},
): Promise<StageOutcome[]> {
  const outcomes: StageOutcome[] = [];
  for (const [index, stage] of stages.entries()) {
    const log = deps.log.child({ task: 'boot-sequence', stage: stage.name });
    log.info({ services: stage.services, target: describeTarget(stage.target) }, 'boot stage starting');
    const skipped = await startStageServices(deps, stage, log);
    if (stage.services.length > 0 && skipped.length === stage.services.length) {
      // Waiting for services that cannot start would keep the agent from accepting the deploy that fixes it.
      log.warn({}, 'boot stage skipped: none of its services can be started here');
      outcomes.push({ name: stage.name, status: 'skipped', attempts: 0, skipped });
      continue;
    }
    const { healthy, attempts } = await waitUntilHealthy(deps, stage, index === 0, log, options);
    outcomes.push({ name: stage.name, status: healthy ? 'healthy' : 'unhealthy', attempts, skipped });
  }
  return outcomes;
}
