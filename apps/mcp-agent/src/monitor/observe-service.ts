// One look at one service, under its lock: what the runtimes show becomes each component's observed state (the
// registry adds a transition event when it changed), then each defined component's condition decides its alert.
import { NotFoundError as RegistryNotFoundError, type ComponentRef, type Service } from '@mcp/registry';
import { containerName } from '@mcp/runtime';
import { MISSING } from '../component-container.js';
import type { AgentDeps } from '../deps.js';
import { desiredStateOf } from '../drift.js';
import { instanceOf, observeNode, type OwnInstance } from '../own-instances.js';
import { currentComponents } from '../recorded-definition.js';
import { recentTransitions } from '../service-status.js';
import { withServiceLock } from '../service-lock.js';
import { imageVersion } from '../wire/status.js';
import type { Alert } from './alert-runner.js';
import { alertMessage, conditionOf, decideAlert, type AlertPolicy } from './detect.js';

/** Records what was seen; false when the component was purged meanwhile (then it is nobody's concern). */
function record(deps: AgentDeps, ref: ComponentRef, instance: OwnInstance | undefined): boolean {
  const name = instance?.info.name ?? containerName(ref.service, ref.component);
  const state = instance?.info.state ?? MISSING;
  const version = instance === undefined ? '' : imageVersion(instance.info.image);
  const startedAt = instance?.info.startedAt;
  try {
    deps.registry.recordObservedState(ref, {
      state,
      // An adopted container is known by this id alone: it must stay recorded while the container exists.
      ...(instance === undefined ? {} : { containerId: instance.info.id }),
      ...(version === '' ? {} : { version }),
      ...(state === 'running' && startedAt !== undefined ? { startedAt } : {}),
      message: instance === undefined ? `monitor: no container or VM named ${name}` : `monitor: ${name} is ${state}`,
    });
    return true;
  } catch (error) {
    if (error instanceof RegistryNotFoundError) return false;
    throw error;
  }
}

/**
 * The components whose alerts the monitor decides: the current definition of an active service (desired running),
 * every component of a stopped one (desired stopped). Rows a later definition dropped never alert (SPEC §10
 * failure 6: stale rows alerted forever).
 */
function judged(service: Service): Service['components'] {
  return service.active ? currentComponents(service) : service.components;
}

function decide(deps: AgentDeps, service: Service, observedNow: ReadonlySet<string>, policy: AlertPolicy): Alert[] {
  const now = deps.clock.now();
  const desired = desiredStateOf(service.active);
  const alerts: Alert[] = [];
  const inScope = judged(service);
  for (const component of inScope) {
    if (!observedNow.has(component.name)) continue;
    const ref = { service: service.name, component: component.name };
    const observed = component.observed.state;
    const transitions = recentTransitions(deps.registry, ref, policy.flapping.maxTransitions + 1);
    const { condition } = conditionOf({ desired, observed, transitions }, now, policy);
    const memory = deps.registry.getAlertState(ref);
    const decision = decideAlert(condition, memory, now, policy.cooldownMs);
    if (decision.send === undefined || decision.memory === undefined) continue;
    const message = alertMessage({ kind: decision.send, node: deps.node.name, ...ref, desired, observed, flapping: policy.flapping });
    deps.registry.setAlertState({ ...ref, ...decision.memory });
    deps.registry.recordEvent({ ...ref, kind: decision.send, toState: observed, message });
    alerts.push({ kind: decision.send, node: deps.node.name, ...ref, desired, observed, message });
  }
  for (const component of service.components) {
    if (!inScope.includes(component)) deps.registry.clearAlertState({ service: service.name, component: component.name });
  }
  return alerts;
}

/**
 * Observes one service (every runtime asked once) and returns the alerts to send. Runs under the service's lock, so
 * it never records a state an operation in progress is about to change; the operation records its own outcome.
 * A component whose runtime could not be asked is neither recorded nor judged (unknown is not "gone").
 */
export async function observeService(deps: AgentDeps, name: string, policy: AlertPolicy): Promise<Alert[]> {
  return withServiceLock(deps.registry, name, async () => {
    const before = deps.registry.findService(name);
    if (before === undefined) return [];
    const observation = await observeNode(deps, [before]);
    const observedNow = new Set<string>();
    for (const component of before.components) {
      const ref = { service: name, component: component.name };
      const instance = instanceOf(observation, ref);
      if (instance === undefined && observation.unanswered.has(component.runtime)) continue;
      if (record(deps, ref, instance)) observedNow.add(component.name);
    }
    const after = deps.registry.findService(name);
    return after === undefined ? [] : decide(deps, after, observedNow, policy);
  });
}
