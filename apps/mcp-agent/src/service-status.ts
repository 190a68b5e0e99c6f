// The registry's views: every service with desired and last observed state, drift, and recent transitions.
import { create } from '@bufbuild/protobuf';
import {
  GetServiceStatusResponseSchema,
  ListServicesResponseSchema,
  type DriftInfo,
  type GetServiceStatusResponse,
  type ListServicesResponse,
} from '@mcp/proto';
import { transitionEventKind, type ComponentRef, type Registry, type RegistryEvent, type Service } from '@mcp/registry';
import type { AgentDeps } from './deps.js';
import { DEFAULT_FLAPPING, describeDrift, desiredStateOf, isDrift, type FlappingPolicy } from './drift.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import { checkServiceName } from './path-guard.js';
import { driftInfoToWire, eventInfoToWire, serviceInfoToWire } from './wire/status.js';

/** Recent events GetServiceStatus returns when the request asks for 0. */
export const DEFAULT_EVENT_LIMIT = 20;
/** Most events one answer carries. */
export const MAX_EVENT_LIMIT = 1000;
/** Transitions read per drifting component: enough to find where the drift began and to count flapping. */
const DRIFT_HISTORY = 100;

/** Every service of the registry, which lists them sorted by name. */
export function listServices(deps: AgentDeps): ListServicesResponse {
  const now = deps.clock.now();
  const services = deps.registry.listServices();
  return create(ListServicesResponseSchema, { services: services.map((service) => serviceInfoToWire(service, now)) });
}

/** The service by name, or NotFound naming it and this node. */
export function requireService(deps: AgentDeps, name: string): Service {
  const service = deps.registry.findService(name);
  if (service === undefined) {
    throw new NotFoundError({ resource: 'service', name, where: `the registry of node "${deps.node.name}"` });
  }
  return service;
}

/** The services a request names: one (checked, NotFound when unknown) or, for "", all of them sorted. */
export function servicesInScope(deps: AgentDeps, name: string): Service[] {
  if (name === '') return deps.registry.listServices();
  checkServiceName(name);
  return [requireService(deps, name)];
}

/**
 * The most recent state transitions, newest first. The event log also holds the monitor's other findings;
 * EventInfo carries only states, so those are left out and more are read until `limit` transitions are found.
 */
export function recentTransitions(
  registry: Registry,
  filter: { readonly service?: string; readonly component?: string },
  limit: number,
): RegistryEvent[] {
  if (limit <= 0) return [];
  for (let batch = Math.max(limit * 2, 50); ; batch *= 4) {
    const events = registry.listEvents({ ...filter, limit: batch });
    const transitions = events.filter((event) => event.kind === transitionEventKind);
    if (transitions.length >= limit || events.length < batch) return transitions.slice(0, limit);
  }
}

function checkEventLimit(eventLimit: number): number {
  if (eventLimit < 0 || eventLimit > MAX_EVENT_LIMIT) {
    throw new InvalidArgumentError({
      field: 'event_limit',
      value: eventLimit,
      problem: 'is out of range',
      expected: `0 (the default, ${DEFAULT_EVENT_LIMIT}) up to ${MAX_EVENT_LIMIT}`,
    });
  }
  return eventLimit === 0 ? DEFAULT_EVENT_LIMIT : eventLimit;
}

/** Drift of every component of these services whose last observed state disagrees with the desired one. */
export function driftOf(
  deps: AgentDeps,
  services: readonly Service[],
  policy: FlappingPolicy = DEFAULT_FLAPPING,
): DriftInfo[] {
  const now = deps.clock.now();
  const drift: DriftInfo[] = [];
  for (const service of services) {
    const desired = desiredStateOf(service.active);
    for (const component of service.components) {
      const observed = component.observed.state;
      if (!isDrift(desired, observed)) continue;
      const ref: ComponentRef = { service: service.name, component: component.name };
      const transitions = recentTransitions(deps.registry, ref, DRIFT_HISTORY);
      const description = describeDrift({
        desired,
        observed,
        ...(component.observed.observedAt === undefined ? {} : { observedAt: component.observed.observedAt }),
        transitions,
        now,
        policy,
      });
      drift.push(driftInfoToWire({ ...ref, desired, observed, description, policy }));
    }
  }
  return drift;
}

export function serviceStatus(deps: AgentDeps, request: { service: string; eventLimit: number }): GetServiceStatusResponse {
  const limit = checkEventLimit(request.eventLimit);
  const services = servicesInScope(deps, request.service);
  const now = deps.clock.now();
  const filter = request.service === '' ? {} : { service: request.service };
  return create(GetServiceStatusResponseSchema, {
    services: services.map((service) => serviceInfoToWire(service, now)),
    drift: driftOf(deps, services, deps.flapping),
    recentEvents: recentTransitions(deps.registry, filter, limit).map(eventInfoToWire),
  });
}
