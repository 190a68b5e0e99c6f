// Registry rows and runtime instances as the wire's status messages (ServiceInfo, LiveInstance, events, drift).
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromDate, type Duration, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  ComponentInfoSchema,
  DriftInfoSchema,
  EventInfoSchema,
  LiveInstanceSchema,
  ServiceInfoSchema,
  type ComponentInfo,
  type DriftInfo,
  type EventInfo,
  type LiveInstance,
  type ServiceInfo,
} from '@mcp/proto';
import type { Component, ComponentRef, ComponentRuntime, RegistryEvent, Service } from '@mcp/registry';
import { containerName, type PortMapping } from '@mcp/runtime';
import { formatPortMapping, parseImageReference } from '@mcp/servicedef';
import { desiredStateOf, isDrift, type DriftDescription, type FlappingPolicy } from '../drift.js';
import { routeBinding, serviceSpecToProto } from './spec.js';

/** The image tag, shown as VERSION; "" when the reference has none (a digest only, an image id). */
export function imageVersion(image: string): string {
  return parseImageReference(image)?.tag ?? '';
}

/** Start time and uptime of a running instance, computed at answer time from the agent's clock. */
function runningSince(running: boolean, startedAt: Date | undefined, now: Date): { startedAt?: Timestamp; uptime?: Duration } {
  if (!running || startedAt === undefined) return {};
  return {
    startedAt: timestampFromDate(startedAt),
    uptime: durationFromMs(Math.max(0, now.getTime() - startedAt.getTime())),
  };
}

/** One registry component: desired state (from its service), last observed state, routes with host ports. */
export function componentInfoToWire(component: Component, active: boolean, now: Date): ComponentInfo {
  const desired = desiredStateOf(active);
  const observed = component.observed;
  return create(ComponentInfoSchema, {
    name: component.name,
    image: component.image,
    version: imageVersion(component.image),
    runtime: component.runtime,
    desiredState: desired,
    observedState: observed.state,
    ...(observed.observedAt === undefined ? {} : { observedAt: timestampFromDate(observed.observedAt) }),
    ...runningSince(observed.state === 'running', observed.startedAt, now),
    routes: component.routes.map(routeBinding),
    drift: isDrift(desired, observed.state),
    instanceName: containerName(component.service, component.name),
  });
}

export function serviceInfoToWire(service: Service, now: Date): ServiceInfo {
  return create(ServiceInfoSchema, {
    name: service.name,
    active: service.active,
    components: service.components.map((component) => componentInfoToWire(component, service.active, now)),
    spec: serviceSpecToProto(service),
    updatedAt: timestampFromDate(service.updatedAt),
  });
}

/** What LiveCheck knows of one instance, or of a registry component that has none. */
export interface LiveView {
  readonly service: string;
  readonly component: string;
  /** Container or VM name. */
  readonly name: string;
  readonly runtime: ComponentRuntime;
  /** The runtime's state now, "missing" when there is no instance, "unknown" when its runtime could not be asked. */
  readonly state: string;
  readonly image: string;
  /** Container id or VM process id; "" when missing. */
  readonly id: string;
  readonly startedAt?: Date;
  readonly ports: readonly PortMapping[];
  /** The desired state, when the registry manages it. */
  readonly desiredState?: string;
}

export function liveInstanceToWire(view: LiveView, now: Date): LiveInstance {
  const managed = view.desiredState !== undefined;
  return create(LiveInstanceSchema, {
    service: view.service,
    component: view.component,
    name: view.name,
    runtime: view.runtime,
    state: view.state,
    image: view.image,
    version: imageVersion(view.image),
    ...runningSince(view.state === 'running', view.startedAt, now),
    ports: view.ports.map(formatPortMapping),
    managed,
    desiredState: view.desiredState ?? '',
    drift: managed && isDrift(view.desiredState ?? '', view.state),
    id: view.id,
  });
}

export function eventInfoToWire(event: RegistryEvent): EventInfo {
  return create(EventInfoSchema, {
    id: BigInt(event.id),
    service: event.service,
    component: event.component ?? '',
    previousState: event.fromState ?? '',
    newState: event.toState ?? '',
    time: timestampFromDate(event.time),
  });
}

export interface DriftFacts extends ComponentRef {
  readonly desired: string;
  readonly observed: string;
  readonly description: DriftDescription;
  readonly policy: FlappingPolicy;
}

export function driftInfoToWire(facts: DriftFacts): DriftInfo {
  return create(DriftInfoSchema, {
    service: facts.service,
    component: facts.component,
    desiredState: facts.desired,
    observedState: facts.observed,
    since: timestampFromDate(facts.description.since),
    flapping: facts.description.flapping,
    transitions: facts.description.transitions,
    window: durationFromMs(facts.policy.windowMs),
  });
}
