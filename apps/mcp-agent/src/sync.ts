// SyncDesiredState: records definitions as desired state (additive: never deletes) and stops the inactive ones.
import { create } from '@bufbuild/protobuf';
import { DesiredStateChange, ResultStatus, ServiceSyncResultSchema, type ServiceSyncResult } from '@mcp/proto';
import { componentSpecOf, type ComponentSpec, type Service, type ServiceSpec } from '@mcp/registry';
import { isDeepStrictEqual } from 'node:util';
import { errorText } from './component-container.js';
import type { AgentDeps } from './deps.js';
import { stopService } from './lifecycle.js';
import { withServiceLock } from './service-lock.js';
import { allSucceeded } from './wire/spec.js';

export interface SyncOutcome {
  /** One result per service, in request order. */
  readonly results: ServiceSyncResult[];
  readonly success: boolean;
}

/** A component as a definition states it: host ports are the registry's, not the definition's. */
function definedPart(component: ComponentSpec): ComponentSpec {
  return {
    ...component,
    routes: component.routes.map((route) => {
      const defined = { ...route };
      delete defined.hostPort;
      return defined;
    }),
  };
}

/** Equal when recording `spec` would change nothing a definition says (components it leaves out are kept anyway). */
export function isRecorded(spec: ServiceSpec, stored: Service): boolean {
  const serviceFields = (value: ServiceSpec | Service) => ({
    active: value.active,
    tier: value.tier,
    node: value.node,
    comment: value.comment,
    snapshot: value.snapshot,
  });
  if (!isDeepStrictEqual(serviceFields(spec), serviceFields(stored))) return false;
  return spec.components.every((component) => {
    const recorded = stored.components.find((candidate) => candidate.name === component.name);
    return recorded !== undefined && isDeepStrictEqual(definedPart(component), definedPart(componentSpecOf(recorded)));
  });
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
