// SyncDesiredState: records definitions as desired state (additive: never deletes) and stops the inactive ones.
import { create } from '@bufbuild/protobuf';
import { DesiredStateChange, ResultStatus, ServiceSyncResultSchema, type ServiceSyncResult } from '@mcp/proto';
import type { Service, ServiceSpec } from '@mcp/registry';
import { definitionFromProto, isRecordedAs, type ServiceDefinition } from '@mcp/servicedef';
import { errorText } from './component-container.js';
import type { AgentDeps } from './deps.js';
import { stopService } from './lifecycle.js';
import { withServiceLock } from './service-lock.js';
import { allSucceeded, serviceSpecToProto } from './wire/spec.js';

export interface SyncOutcome {
  /** One result per service, in request order. */
  readonly results: ServiceSyncResult[];
  readonly success: boolean;
}

/** The registry's record as the one definition model, so the one "has it changed?" rule of @mcp/servicedef applies. */
function asDefinition(spec: ServiceSpec): ServiceDefinition {
  return definitionFromProto(serviceSpecToProto(spec));
}

/** Equal when recording `spec` would change nothing a definition says (components it leaves out are kept anyway). */
export function isRecorded(spec: ServiceSpec, stored: Service): boolean {
  return isRecordedAs(asDefinition(stored), asDefinition(spec));
}

async function syncService(deps: AgentDeps, spec: ServiceSpec): Promise<ServiceSyncResult> {
  const stored = deps.registry.findService(spec.name);
  let change = DesiredStateChange.UNCHANGED;
  if (stored === undefined) change = DesiredStateChange.ADDED;
  else if (!isRecorded(spec, stored)) change = DesiredStateChange.UPDATED;
  try {
    if (change !== DesiredStateChange.UNCHANGED) deps.registry.upsertService(spec);
  } catch (error) {
    return create(ServiceSyncResultSchema, { service: spec.name, change, status: ResultStatus.FAILED, error: errorText(error) });
  }
  if (spec.active) return create(ServiceSyncResultSchema, { service: spec.name, change, status: ResultStatus.OK });
  const stopped = await stopService(deps, spec.name);
  const stoppedSomething = stopped.results.some((result) => result.status === ResultStatus.OK);
  return create(ServiceSyncResultSchema, {
    service: spec.name,
    change: stoppedSomething ? DesiredStateChange.STOPPED : change,
    status: stopped.success ? ResultStatus.OK : ResultStatus.FAILED,
    error: stopped.results.find((result) => !result.success)?.error ?? '',
    components: stopped.results,
  });
}

/**
 * Records each definition in turn, under that service's lock. It neither deploys nor starts: a definition whose
 * image changed, or an inactive service made active, shows as drift until a deploy, start or Recover acts on it.
 */
export async function syncDesiredState(deps: AgentDeps, specs: readonly ServiceSpec[]): Promise<SyncOutcome> {
  const results: ServiceSyncResult[] = [];
  for (const spec of specs) {
    results.push(await withServiceLock(deps.registry, spec.name, () => syncService(deps, spec)));
  }
  return { results, success: allSucceeded(results.map((result) => ({ success: result.status !== ResultStatus.FAILED }))) };
}
