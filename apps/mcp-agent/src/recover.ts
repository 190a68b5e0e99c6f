// Recover: recreates every desired-running component that has no running container or VM, from the registry alone
// (SPEC §4, §10 failures 7 and 8): same name, host ports, env and everything else, and never a pull.
import { create } from '@bufbuild/protobuf';
import { RecoverResultSchema, ResultStatus, type RecoverResult, type StepResult } from '@mcp/proto';
import type { Component, Service } from '@mcp/registry';
import {
  errorText,
  findOwnContainer,
  isRunning,
  recordFailure,
  recordOutcome,
  recreateFromRegistry,
  shortId,
} from './component-container.js';
import type { AgentDeps } from './deps.js';
import { currentComponents } from './recorded-definition.js';
import { certificateStep, dnsStep, proxyStep } from './routing-steps.js';
import { withServiceLock } from './service-lock.js';
import { overallStatus, stepFailed, stepOk, stepSkipped } from './wire/spec.js';

export interface RecoverOutcome {
  /** One result per component of an active service, by service name then definition order. */
  readonly results: RecoverResult[];
  readonly success: boolean;
}

async function recoverComponent(deps: AgentDeps, service: string, component: Component): Promise<RecoverResult> {
  const ref = { service, component: component.name };
  const result = (steps: StepResult[], detail = ''): RecoverResult => {
    const status = overallStatus(steps);
    const error = steps.find((step) => step.status === ResultStatus.FAILED)?.error ?? '';
    return create(RecoverResultSchema, { service, component: component.name, status, error, detail, steps });
  };
  try {
    const existing = await findOwnContainer(deps, service, component);
    if (existing !== undefined && isRunning(existing)) {
      recordOutcome(deps, ref, { operation: 'recover', container: existing, message: 'already running' });
      const reason = `already running (${shortId(existing)})`;
      return result([stepSkipped('container', reason)], reason);
    }
    const recreated = await recreateFromRegistry(deps, service, component);
    recordOutcome(deps, ref, { operation: 'recover', container: recreated, message: `recreated ${recreated.name} from the registry` });
    const steps = [stepOk('container', `recreated ${recreated.name} (${shortId(recreated)})`)];
    const cert = await certificateStep(deps, service, component);
    steps.push(cert);
    if (cert.success) steps.push(await proxyStep(deps, service, component, 'register'));
    steps.push(dnsStep('register'));
    return result(steps);
  } catch (error) {
    await recordFailure(deps, ref, component.runtime, 'recover', error);
    return result([stepFailed('container', errorText(error))]);
  }
}

/** Recovers one service's components under its lock; the registry is read again inside it (a deploy may have run). */
async function recoverService(deps: AgentDeps, name: string): Promise<RecoverResult[]> {
  return withServiceLock(deps.registry, name, async () => {
    const service = deps.registry.findService(name);
    if (service === undefined || !service.active) return [];
    const results: RecoverResult[] = [];
    for (const component of currentComponents(service)) results.push(await recoverComponent(deps, name, component));
    return results;
  });
}

/**
 * Recovers one service (`service` given; it must exist, the caller checks) or every service. Services whose desired
 * state is stopped (stopped, undeployed) are not considered, nor components a later definition dropped.
 */
export async function recoverServices(deps: AgentDeps, options: { service?: string } = {}): Promise<RecoverOutcome> {
  const names =
    options.service === undefined
      ? deps.registry.listServices().filter((service: Service) => service.active).map((service) => service.name)
      : [options.service];
  const results: RecoverResult[] = [];
  for (const name of names) results.push(...(await recoverService(deps, name)));
  return { results, success: results.every((result) => result.status !== ResultStatus.FAILED) };
}

/**
 * What main.ts runs once in the background after the agent starts serving: recovers everything and logs each
 * component it recreated or could not (never a spec's env: it may hold secrets).
 */
export async function recoverAtStartup(deps: AgentDeps): Promise<void> {
  const log = deps.log.child({ task: 'recover-at-startup' });
  const outcome = await recoverServices(deps);
  for (const result of outcome.results) {
    const fields = { service: result.service, component: result.component };
    if (result.status === ResultStatus.FAILED) log.warn({ ...fields, error: result.error }, 'could not recover component');
    else if (result.status === ResultStatus.OK) log.info(fields, 'recovered component');
  }
  log.info(
    {
      considered: outcome.results.length,
      recovered: outcome.results.filter((result) => result.status === ResultStatus.OK).length,
      failed: outcome.results.filter((result) => result.status === ResultStatus.FAILED).length,
    },
    'recover at start-up finished',
  );
}
