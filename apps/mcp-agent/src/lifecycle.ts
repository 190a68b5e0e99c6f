// Stop, start, restart and undeploy of a recorded service, component by component, each step reported.
// Callers hold the service's lock (service-lock.ts) and have checked that the service exists. Start and restart
// act on the components of the latest definition; stop and undeploy on every recorded one (leftovers included).
import type { ComponentResult, StepResult } from '@mcp/proto';
import type { Component, Service } from '@mcp/registry';
import {
  errorText,
  findOwnContainer,
  isRunning,
  recordFailure,
  recordOutcome,
  recreateFromRegistry,
  removeOwnContainer,
  shortId,
} from './component-container.js';
import { runtimeFor, type AgentDeps } from './deps.js';
import { FailedPreconditionError } from './errors.js';
import { currentComponents } from './recorded-definition.js';
import { certificateRemoveStep, certificateStep, dnsStep, proxyStep } from './routing-steps.js';
import { allSucceeded, componentResult, stepFailed, stepOk, stepSkipped } from './wire/spec.js';

export interface ComponentsOutcome {
  /** One result per component, in definition order. */
  readonly results: ComponentResult[];
  readonly success: boolean;
}

export interface UndeployOutcome extends ComponentsOutcome {
  /** Service-level steps after the components: registry (marked inactive), ports (released). */
  readonly steps: StepResult[];
}

function outcomeOf(results: ComponentResult[]): ComponentsOutcome {
  return { results, success: allSucceeded(results) };
}

function routeList(component: Component): string {
  return component.routes.map((route) => `${route.name === '' ? `:${route.port}` : route.name} → ${route.hostPort ?? 'none'}`).join(', ');
}

/** DNS first, then proxy routes, then the container (SPEC §4), so nothing routes to a stopping container. */
async function stopComponent(deps: AgentDeps, service: string, component: Component): Promise<ComponentResult> {
  const ref = { service, component: component.name };
  const steps = [dnsStep('remove'), await proxyStep(deps, service, component, 'remove')];
  try {
    const existing = await findOwnContainer(deps, service, component);
    if (existing === undefined || !isRunning(existing)) {
      const reason = existing === undefined ? 'no container' : `already stopped (${existing.state})`;
      steps.push(stepSkipped('container', reason));
      recordOutcome(deps, ref, { operation: 'stop', ...(existing === undefined ? {} : { container: existing }), message: reason });
    } else {
      const runtime = runtimeFor(deps, component.runtime);
      await runtime.stop(existing.name);
      const stopped = await runtime.inspect(existing.name);
      steps.push(stepOk('container', `stopped ${existing.name}`));
      recordOutcome(deps, ref, { operation: 'stop', container: stopped, message: `stopped ${existing.name}` });
    }
  } catch (error) {
    steps.push(stepFailed('container', errorText(error)));
    await recordFailure(deps, ref, component.runtime, 'stop', error);
  }
  return componentResult(component.name, steps);
}

/** Sets the desired state to stopped first, so that nothing recovers what is being stopped, then stops. */
export async function stopService(deps: AgentDeps, name: string): Promise<ComponentsOutcome> {
  const service = deps.registry.setActive(name, false);
  const results: ComponentResult[] = [];
  for (const component of service.components) results.push(await stopComponent(deps, name, component));
  return outcomeOf(results);
}

/** Containers, then proxy routes, then DNS: the reverse of stop. */
async function startComponent(deps: AgentDeps, service: string, component: Component): Promise<ComponentResult> {
  const ref = { service, component: component.name };
  // The certificate comes first: without it no route is registered, and the container is not started either.
  const cert = await certificateStep(deps, service, component);
  const steps: StepResult[] = component.routes.some((route) => route.mode === 'l7') ? [cert] : [];
  if (!cert.success) return componentResult(component.name, steps, { routes: component.routes });
  try {
    const existing = await findOwnContainer(deps, service, component);
    if (existing !== undefined && isRunning(existing)) {
      steps.push(stepSkipped('container', `already running (${shortId(existing)})`));
      recordOutcome(deps, ref, { operation: 'start', container: existing, message: 'already running' });
    } else {
      const started = await recreateFromRegistry(deps, service, component);
      steps.push(stepOk('container', `started ${started.name} (${shortId(started)})`));
      recordOutcome(deps, ref, { operation: 'start', container: started, message: `started ${started.name}` });
    }
  } catch (error) {
    steps.push(stepFailed('container', errorText(error)));
    await recordFailure(deps, ref, component.runtime, 'start', error);
    return componentResult(component.name, steps, { routes: component.routes });
  }
  steps.push(await proxyStep(deps, service, component, 'register'), dnsStep('register'));
  return componentResult(component.name, steps, { routes: component.routes });
}

/**
 * Host ports first (an undeployed service has none; a failure there changes nothing), then the desired state,
 * then every component. The runtime has no separate "start": a stopped container is recreated from the registry.
 */
export async function startService(deps: AgentDeps, name: string): Promise<ComponentsOutcome> {
  deps.registry.ensureHostPorts(name);
  const service = deps.registry.setActive(name, true);
  const results: ComponentResult[] = [];
  for (const component of currentComponents(service)) results.push(await startComponent(deps, name, component));
  return outcomeOf(results);
}

async function restartComponent(deps: AgentDeps, service: string, component: Component): Promise<ComponentResult> {
  const ref = { service, component: component.name };
  try {
    const restarted = await recreateFromRegistry(deps, service, component);
    recordOutcome(deps, ref, { operation: 'restart', container: restarted, message: `restarted ${restarted.name}` });
    return componentResult(component.name, [stepOk('container', `restarted ${restarted.name} (${shortId(restarted)})`)], {
      routes: component.routes,
    });
  } catch (error) {
    await recordFailure(deps, ref, component.runtime, 'restart', error);
    return componentResult(component.name, [stepFailed('container', errorText(error))], { routes: component.routes });
  }
}

/**
 * Recreates the container(s) in place from the registry; routes, ports and desired state stay. A service whose
 * desired state is stopped is refused: restarting it would contradict that state.
 */
export async function restartService(deps: AgentDeps, name: string, componentName?: string): Promise<ComponentsOutcome> {
  const service: Service = deps.registry.getService(name);
  if (!service.active) {
    throw new FailedPreconditionError(`service "${name}" is stopped (its desired state); start it instead of restarting it`);
  }
  const targets = currentComponents(service).filter((component) => componentName === undefined || component.name === componentName);
  const results: ComponentResult[] = [];
  for (const component of targets) results.push(await restartComponent(deps, name, component));
  return outcomeOf(results);
}

/**
 * A component the service's latest definition no longer has: its container goes (a whole-service deploy makes the
 * node run what the definition says), its rows stay until PurgeComponent drops them (the registry is additive).
 */
export async function removeDroppedComponent(deps: AgentDeps, service: string, component: Component): Promise<ComponentResult> {
  const ref = { service, component: component.name };
  const steps = [dnsStep('remove'), await proxyStep(deps, service, component, 'remove')];
  try {
    const removed = await removeOwnContainer(deps, service, component);
    const detail = removed === undefined ? 'no container' : `removed ${removed.name}: no longer in the definition`;
    steps.push(removed === undefined ? stepSkipped('container', detail) : stepOk('container', detail));
    recordOutcome(deps, ref, { operation: 'deploy', message: detail });
  } catch (error) {
    steps.push(stepFailed('container', errorText(error)));
    await recordFailure(deps, ref, component.runtime, 'deploy', error);
  }
  return componentResult(component.name, steps);
}

async function removeComponent(deps: AgentDeps, service: string, component: Component): Promise<{ steps: StepResult[]; removed: boolean }> {
  const ref = { service, component: component.name };
  const steps = [dnsStep('remove'), await proxyStep(deps, service, component, 'remove')];
  steps.push(await certificateRemoveStep(deps, service, component));
  try {
    const removed = await removeOwnContainer(deps, service, component);
    steps.push(removed === undefined ? stepSkipped('container', 'no container') : stepOk('container', `removed ${removed.name}`));
    recordOutcome(deps, ref, { operation: 'undeploy', message: removed === undefined ? 'no container' : `removed ${removed.name}` });
    return { steps, removed: true };
  } catch (error) {
    steps.push(stepFailed('container', errorText(error)));
    await recordFailure(deps, ref, component.runtime, 'undeploy', error);
    return { steps, removed: false };
  }
}

/**
 * Full teardown: every container removed, then the service marked inactive and its host ports released in one
 * registry transaction. Ports are released only when every container is gone: one still running holds them, and
 * handing them to another service would clash. The definition stays recorded (ListServices shows it).
 */
export async function undeployService(deps: AgentDeps, name: string): Promise<UndeployOutcome> {
  const service = deps.registry.getService(name);
  const removals: { component: Component; steps: StepResult[]; removed: boolean }[] = [];
  for (const component of service.components) removals.push({ component, ...(await removeComponent(deps, name, component)) });
  const kept = removals.filter((removal) => !removal.removed).map((removal) => removal.component.name);
  const hasRoutes = service.components.some((component) => component.routes.length > 0);
  const hadPorts = service.components.some((component) => component.routes.some((route) => route.hostPort !== undefined));
  const steps: StepResult[] = [];
  if (kept.length === 0) {
    deps.registry.undeployService(name);
    steps.push(stepOk('registry', 'marked inactive'));
    if (!hasRoutes) steps.push(stepSkipped('ports', 'no routes'));
    else steps.push(hadPorts ? stepOk('ports', 'host ports released') : stepSkipped('ports', 'already released'));
  } else {
    deps.registry.setActive(name, false);
    steps.push(stepOk('registry', 'marked inactive'));
    const reason = `kept: the container of ${kept.map((component) => `"${component}"`).join(', ')} could not be removed; undeploy again to release them`;
    steps.push(hasRoutes ? stepFailed('ports', reason) : stepSkipped('ports', 'no routes'));
  }
  const results = removals.map(({ component, steps: componentSteps, removed }) => {
    if (!removed) return componentResult(component.name, componentSteps);
    let ports: StepResult;
    if (component.routes.length === 0) ports = stepSkipped('ports', 'no routes');
    else if (kept.length > 0) ports = stepSkipped('ports', 'kept: another component of the service still has its container');
    else if (component.routes.every((route) => route.hostPort === undefined)) ports = stepSkipped('ports', 'already released');
    else ports = stepOk('ports', `released ${routeList(component)}`);
    return componentResult(component.name, [...componentSteps, ports]);
  });
  return { results, success: allSucceeded(results) && allSucceeded(steps), steps };
}
