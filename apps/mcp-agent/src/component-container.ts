// What deploy and lifecycle do to one component's container or VM, and how each outcome is recorded in the registry.
import type { Component, ComponentRef, ComponentRuntime, ComponentSpec, HostPortMove } from '@mcp/registry';
import { NODE_LABEL, containerName, isNotFound, type ContainerDetails, type Runtime } from '@mcp/runtime';
import { parseImageReference } from '@mcp/servicedef';
import { containerSpecFor } from './container-spec.js';
import { deployPolicyOf, findRuntimeFor, runtimeFor, type AgentDeps } from './deps.js';
import { FailedPreconditionError } from './errors.js';
import { isOwnContainer } from './own-instances.js';

/** What picks a component's instance: its name, and its runtime (which backend holds it). */
export type ComponentKind = Pick<ComponentSpec, 'name' | 'runtime'>;

/** The observed state recorded for a component that has no container. */
export const MISSING = 'missing';

/**
 * The component's container or VM when this node owns it (its label, or adopted); refuses anybody else's. A node
 * without the component's runtime (no VM backend) has none to find.
 */
export async function findOwnContainer(deps: AgentDeps, service: string, component: ComponentKind): Promise<ContainerDetails | undefined> {
  const runtime = findRuntimeFor(deps, component.runtime);
  return runtime === undefined ? undefined : findOwnIn(deps, runtime, service, component.name);
}

async function findOwnIn(deps: AgentDeps, runtime: Runtime, service: string, component: string): Promise<ContainerDetails | undefined> {
  const name = containerName(service, component);
  let details: ContainerDetails;
  try {
    details = await runtime.inspect(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const owner = details.labels[NODE_LABEL];
  // An adopted container keeps no mcp.node label (podman cannot add one): it is ours by its recorded id.
  const recordedId = deps.registry.findService(service)?.components.find((c) => c.name === component)?.observed.containerId;
  if (!isOwnContainer(deps.node.name, details, recordedId)) {
    const whose = owner === undefined ? 'is not managed by MCP (no mcp.node label); adopt it or remove it' : `belongs to node "${owner}"`;
    throw new FailedPreconditionError(`container "${name}" already exists and ${whose}; this node will not replace it`);
  }
  return details;
}

/** Running, or about to run again: a stop has something to stop, a start or recover has nothing to do. */
export function isRunning(details: ContainerDetails): boolean {
  return details.state === 'running' || details.state === 'restarting' || details.state === 'paused';
}

async function removeOwnIn(deps: AgentDeps, runtime: Runtime, service: string, component: string): Promise<ContainerDetails | undefined> {
  const existing = await findOwnIn(deps, runtime, service, component);
  if (existing === undefined) return undefined;
  if (isRunning(existing)) await runtime.stop(existing.name);
  await runtime.remove(existing.name, { force: true });
  return existing;
}

/** Stops (gracefully, then as the instance's stop timeout says) and removes the container or VM when there is one. */
export async function removeOwnContainer(deps: AgentDeps, service: string, component: ComponentKind): Promise<ContainerDetails | undefined> {
  const runtime = findRuntimeFor(deps, component.runtime);
  return runtime === undefined ? undefined : removeOwnIn(deps, runtime, service, component.name);
}

/** The runtimes other than the component's: a definition that changed runtime leaves its old instance there. */
function otherRuntimes(deps: AgentDeps, kind: ComponentRuntime): Runtime[] {
  const kinds: ComponentRuntime[] = ['container', 'unikernel'];
  return kinds.flatMap((other) => {
    const runtime = other === kind ? undefined : findRuntimeFor(deps, other);
    return runtime === undefined ? [] : [runtime];
  });
}

/** Hears of host ports a replacement moved (deploy reports them as a step). */
export type PortsMoved = (moves: readonly HostPortMove[]) => void;

/**
 * Moves the component's routes whose host port is held now (by another process's socket, or by a forwarding rule
 * podman left behind, which would steal the port's traffic) to free ports, and returns the component as recorded
 * then; undefined when none is held.
 */
function moveHeldPorts(deps: AgentDeps, service: string, component: ComponentSpec, moved: PortsMoved | undefined): ComponentSpec | undefined {
  const moves = deps.registry.moveBusyHostPorts({ service, component: component.name });
  if (moves.length === 0) return undefined;
  deps.log.warn(
    { service, component: component.name, moves },
    'host ports moved: another process holds them, or a forwarding rule podman left behind claims them',
  );
  moved?.(moves);
  return recordedComponent(deps, service, component);
}

/** The component as the registry holds it now (its host ports may have moved since it was read); else as given. */
export function recordedComponent<T extends ComponentSpec>(deps: AgentDeps, service: string, component: T): Component | T {
  return deps.registry.findService(service)?.components.find((candidate) => candidate.name === component.name) ?? component;
}

/**
 * Replaces the component's container or VM in place: the old one is stopped and removed (it holds the name and
 * the host ports; also when it ran in the other runtime before the definition changed), then a new one is made
 * from the recorded spec. The runtime removes an instance that cannot start. A route whose host port is held by
 * somebody else once the old instance is gone moves to a free port first; when the start still fails and a port
 * turns out held (taken in between), the ports move and the start is tried once more.
 */
export async function replaceContainer(deps: AgentDeps, service: string, component: ComponentSpec, moved?: PortsMoved): Promise<ContainerDetails> {
  const runtime = runtimeFor(deps, component.runtime);
  for (const other of otherRuntimes(deps, component.runtime)) await removeOwnIn(deps, other, service, component.name);
  await removeOwnIn(deps, runtime, service, component.name);
  const placed = moveHeldPorts(deps, service, component, moved) ?? component;
  try {
    return await runtime.createAndStart(containerSpecFor({ node: deps.node.name, service, component: placed, policy: deployPolicyOf(deps) }));
  } catch (error) {
    let again: ComponentSpec | undefined;
    try {
      again = moveHeldPorts(deps, service, placed, moved);
    } catch (moveError) {
      throw new Error(`${errorText(error)}; a host port of it is held by another process and none is left to move to: ${errorText(moveError)}`);
    }
    if (again === undefined) throw error;
    return runtime.createAndStart(containerSpecFor({ node: deps.node.name, service, component: again, policy: deployPolicyOf(deps) }));
  }
}

/**
 * Recreates a component from the registry alone (start, restart, recover): never pulls, and checks the image
 * before touching the old container, so a missing image leaves a running container running.
 */
export async function recreateFromRegistry(deps: AgentDeps, service: string, component: ComponentSpec): Promise<ContainerDetails> {
  const runtime = runtimeFor(deps, component.runtime);
  if (!(await runtime.imageExists(component.image))) {
    const what = component.runtime === 'unikernel' ? 'a VM' : 'a container';
    throw new FailedPreconditionError(
      `image "${component.image}" is not present on this node, and ${what} is recreated from the registry without pulling; deploy the service to pull it`,
    );
  }
  return replaceContainer(deps, service, component);
}

export interface Outcome {
  /** The operation, also the kind of its event: deploy, start, stop, restart, undeploy, recover. */
  readonly operation: string;
  /** The container as it is now; absent when there is none. */
  readonly container?: ContainerDetails;
  readonly message: string;
  /** Set when the operation failed: recorded as a `<operation>-failed` event. */
  readonly error?: string;
}

/**
 * Records what the component looks like after an operation, and one event saying what was done: the
 * registry's transition event when the state changed, else an event of the operation's kind.
 */
export function recordOutcome(deps: AgentDeps, ref: ComponentRef, outcome: Outcome): void {
  const container = outcome.container;
  const state = container?.state ?? MISSING;
  const message = `${outcome.operation}: ${outcome.error ?? outcome.message}`;
  const version = container === undefined ? undefined : parseImageReference(container.image)?.tag;
  const change = deps.registry.recordObservedState(ref, {
    state,
    ...(container === undefined ? {} : { containerId: container.id }),
    ...(version === undefined ? {} : { version }),
    ...(container?.startedAt === undefined || state !== 'running' ? {} : { startedAt: container.startedAt }),
    message,
  });
  if (outcome.error !== undefined) {
    deps.registry.recordEvent({ ...ref, kind: `${outcome.operation}-failed`, fromState: change.previous, toState: state, message });
  } else if (change.event === undefined) {
    deps.registry.recordEvent({ ...ref, kind: outcome.operation, fromState: change.previous, toState: state, message });
  }
}

/**
 * After a failed operation, records what is really there (a deploy that removed the old container and could
 * not start the new one leaves none: "missing") and the failure event. When the runtime cannot even be asked,
 * only the event is recorded and the last observation stays.
 */
export async function recordFailure(
  deps: AgentDeps,
  ref: ComponentRef,
  runtime: ComponentRuntime,
  operation: string,
  error: unknown,
): Promise<void> {
  const text = errorText(error);
  let container: ContainerDetails | undefined;
  try {
    container = await findOwnContainer(deps, ref.service, { name: ref.component, runtime });
  } catch {
    deps.registry.recordEvent({ ...ref, kind: `${operation}-failed`, message: `${operation}: ${text}` });
    return;
  }
  recordOutcome(deps, ref, { operation, ...(container === undefined ? {} : { container }), message: text, error: text });
}

/** Text for a step's error: the message of what was thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function shortId(container: ContainerDetails): string {
  return container.id.slice(0, 12);
}
