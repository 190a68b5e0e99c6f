// LiveCheck: what the runtimes show now, merged with the registry, and recorded as the last observed state.
import { create } from '@bufbuild/protobuf';
import { LiveCheckResponseSchema, type LiveCheckResponse } from '@mcp/proto';
import { NotFoundError as RegistryNotFoundError, type Component, type Service } from '@mcp/registry';
import { containerName } from '@mcp/runtime';
import type { AgentDeps } from './deps.js';
import { MISSING } from './component-container.js';
import { NEVER_OBSERVED, desiredStateOf } from './drift.js';
import { NotFoundError } from './errors.js';
import { instanceOf, observeNode, type NodeObservation, type OwnInstance } from './own-instances.js';
import { checkServiceName } from './path-guard.js';
import { imageVersion, liveInstanceToWire, type LiveView } from './wire/status.js';

function viewOfInstance(instance: OwnInstance, desiredState: string | undefined): LiveView {
  const { info } = instance;
  return {
    service: instance.ref?.service ?? info.service ?? '',
    component: instance.ref?.component ?? info.component ?? '',
    name: info.name,
    runtime: instance.componentRuntime,
    state: info.state,
    image: info.image,
    id: info.id,
    ...(info.startedAt === undefined ? {} : { startedAt: info.startedAt }),
    ports: info.ports,
    ...(desiredState === undefined ? {} : { desiredState }),
  };
}

function viewWithoutInstance(service: Service, component: Component, state: string): LiveView {
  return {
    service: service.name,
    component: component.name,
    name: containerName(service.name, component.name),
    runtime: component.runtime,
    state,
    image: component.image,
    id: '',
    ports: [],
    desiredState: desiredStateOf(service.active),
  };
}

/** Records what was seen; a component purged meanwhile is no longer anyone's concern. */
function record(deps: AgentDeps, view: LiveView): void {
  const running = view.state === 'running';
  const version = imageVersion(view.image);
  try {
    deps.registry.recordObservedState(
      { service: view.service, component: view.component },
      {
        state: view.state,
        ...(view.id === '' ? {} : { containerId: view.id }),
        ...(version === '' || view.state === MISSING ? {} : { version }),
        ...(running && view.startedAt !== undefined ? { startedAt: view.startedAt } : {}),
        message:
          view.state === MISSING ? `live check: no container or VM named ${view.name}` : `live check: ${view.name} is ${view.state}`,
      },
    );
  } catch (error) {
    if (!(error instanceof RegistryNotFoundError)) throw error;
  }
}

function inScope(service: string, name: string | undefined): boolean {
  return service === '' || name === service;
}

/** One LiveInstance per registry component (its instance, "missing" or "unknown") plus this node's unmanaged ones. */
function mergeViews(services: readonly Service[], observation: NodeObservation, scope: string) {
  const views: { view: LiveView; record: boolean }[] = [];
  const shown = new Set<OwnInstance>();
  const warnings = new Set<string>();
  for (const service of services.filter((candidate) => inScope(scope, candidate.name))) {
    const desired = desiredStateOf(service.active);
    for (const component of service.components) {
      const instance = instanceOf(observation, { service: service.name, component: component.name });
      if (instance !== undefined) {
        shown.add(instance);
        views.push({ view: viewOfInstance(instance, desired), record: true });
        continue;
      }
      const unanswered = observation.unanswered.get(component.runtime);
      if (unanswered !== undefined) warnings.add(unanswered);
      const state = unanswered === undefined ? MISSING : NEVER_OBSERVED;
      views.push({ view: viewWithoutInstance(service, component, state), record: unanswered === undefined });
    }
  }
  const activeByName = new Map(services.map((service) => [service.name, service.active]));
  for (const instance of observation.instances) {
    if (shown.has(instance) || !inScope(scope, instance.ref?.service ?? instance.info.service)) continue;
    const active = instance.ref === undefined ? undefined : activeByName.get(instance.ref.service);
    const desired = instance.managed && active !== undefined ? desiredStateOf(active) : undefined;
    views.push({ view: viewOfInstance(instance, desired), record: false });
  }
  return { views, warnings };
}

/**
 * Asks every runtime now. Registry components without an instance are "missing" (or "unknown" when their
 * runtime could not be asked, with a warning); what was seen becomes each component's last observed state.
 */
export async function liveCheck(deps: AgentDeps, service: string): Promise<LiveCheckResponse> {
  if (service !== '') checkServiceName(service);
  const services = deps.registry.listServices();
  const observation = await observeNode(deps, services);
  const { views, warnings } = mergeViews(services, observation, service);
  if (service !== '' && views.length === 0 && !services.some((candidate) => candidate.name === service)) {
    throw new NotFoundError({
      resource: 'service',
      name: service,
      where: `the registry or the runtimes of node "${deps.node.name}"`,
    });
  }
  // A failed source is worth a warning even when no registry component needed it.
  const container = observation.unanswered.get('container');
  if (container !== undefined) warnings.add(container);
  for (const { view, record: shouldRecord } of views) if (shouldRecord) record(deps, view);
  const now = deps.clock.now();
  return create(LiveCheckResponseSchema, {
    instances: views.map(({ view }) => liveInstanceToWire(view, now)),
    warnings: [...warnings],
  });
}
