// Deploy of a whole service or one component (SPEC §4): pull → ports → certificate → container → proxy → DNS → record.
// The caller holds the service's lock (service-lock.ts) and has validated the definition (wire/spec.ts).
import type { ComponentResult, StepResult } from '@mcp/proto';
import { routeIdentity, routeLabel, type Component, type ComponentSpec, type HostPortMove, type Service, type ServiceSpec } from '@mcp/registry';
import type { ContainerDetails, Runtime } from '@mcp/runtime';
import { errorText, recordFailure, recordOutcome, recordedComponent, replaceContainer, shortId } from './component-container.js';
import { findRuntimeFor, noVmBackend, runtimeFor, type AgentDeps } from './deps.js';
import { removeDroppedComponent, stopService, type ComponentsOutcome } from './lifecycle.js';
import { certificateStep, dnsStep, proxyStep } from './routing-steps.js';
import { allSucceeded, componentResult, stepFailed, stepOk, stepSkipped } from './wire/spec.js';

/** When to pull a component's image: only when absent on the node (default), every time, or never. */
export type PullPolicy = 'if-absent' | 'always' | 'never';

export interface DeployInput {
  /** The whole definition, validated; recorded as desired state even when one component is deployed. */
  readonly spec: ServiceSpec;
  /** Deploy only this component (it must be in spec). */
  readonly component?: string;
  readonly pull: PullPolicy;
}

/** A deploy's results, and whether the definition was recorded as desired state (false: nothing changed). */
export interface DeployOutcome extends ComponentsOutcome {
  readonly recorded: boolean;
}

/** The pull step of one image under the policy; "absent" fails under `never` before anything changes. */
async function pullStep(runtime: Runtime, image: string, policy: PullPolicy): Promise<StepResult> {
  if (policy === 'always') {
    await runtime.pullImage(image);
    return stepOk('pull', `pulled ${image} (--pull pulls a present image too)`);
  }
  if (await runtime.imageExists(image)) {
    const why = policy === 'never' ? '--no-pull' : 'an image is pulled only when absent; --pull pulls it anyway';
    return stepSkipped('pull', `image ${image} is present (${why})`);
  }
  if (policy === 'never') {
    return stepFailed('pull', `image "${image}" is not on this node and --no-pull forbids pulling it; deploy without --no-pull, or put the image on the node`);
  }
  await runtime.pullImage(image);
  return stepOk('pull', `pulled ${image} (it was absent)`);
}

/** Pulls each distinct image once (by the runtime that runs it); a failure is the step's outcome, not an exception. */
async function pullSteps(deps: AgentDeps, targets: readonly ComponentSpec[], policy: PullPolicy): Promise<Map<string, StepResult>> {
  const byImage = new Map<string, StepResult>();
  for (const { image, runtime: kind } of targets) {
    if (byImage.has(image)) continue;
    try {
      byImage.set(image, await pullStep(runtimeFor(deps, kind), image, policy));
    } catch (error) {
      byImage.set(image, stepFailed('pull', `cannot pull image "${image}": ${errorText(error)}`));
    }
  }
  return byImage;
}

/** Says which host port each route got, and whether it kept the one it had (SPEC §10, failure 2). */
function portsStep(component: Component, previous: Service | undefined): StepResult {
  if (component.routes.length === 0) return stepSkipped('ports', 'no routes');
  const before = previous?.components.find((candidate) => candidate.name === component.name);
  const parts = component.routes.map((route) => {
    const old = before?.routes.find((candidate) => routeIdentity(candidate) === routeIdentity(route))?.hostPort;
    return `${routeLabel(route)} → ${route.hostPort ?? 'none'}${old !== undefined && old === route.hostPort ? ' (kept)' : ' (new)'}`;
  });
  return stepOk('ports', parts.join(', '));
}

/** Container → proxy → DNS → registry for one component whose image and ports are ready. */
async function runComponent(deps: AgentDeps, service: string, placed: Component, steps: StepResult[]): Promise<ComponentResult> {
  const ref = { service, component: placed.name };
  // The certificate comes before the container: a failed order fails the deploy and changes nothing (SPEC §10, 1).
  const cert = await certificateStep(deps, service, placed);
  steps.push(cert);
  if (!cert.success) return componentResult(placed.name, steps, { routes: recordedComponent(deps, service, placed).routes });
  let container: ContainerDetails;
  const reportMoves = (moves: readonly HostPortMove[]): void => {
    const held = moves.map((move) => `${move.route} ${move.from} → ${move.to}`).join(', ');
    steps.push(stepOk('ports', `moved ${held}: another process holds the port, or a forwarding rule podman left behind claims it`));
  };
  try {
    container = await replaceContainer(deps, service, placed, reportMoves);
    steps.push(stepOk('container', `replaced ${container.name} (${shortId(container)})`));
  } catch (error) {
    steps.push(stepFailed('container', errorText(error)));
    await recordFailure(deps, ref, placed.runtime, 'deploy', error);
    return componentResult(placed.name, steps, { routes: recordedComponent(deps, service, placed).routes });
  }
  const component = recordedComponent(deps, service, placed);
  steps.push(await proxyStep(deps, service, component, 'register'), dnsStep('register'));
  try {
    recordOutcome(deps, ref, { operation: 'deploy', container, message: `deployed ${component.image} as ${container.name}` });
    steps.push(stepOk('registry', `recorded ${container.state} (${shortId(container)})`));
  } catch (error) {
    steps.push(stepFailed('registry', errorText(error)));
  }
  return componentResult(component.name, steps, { routes: component.routes });
}

/**
 * Deploys the service (or one component). Every image is pulled before anything changes, and the definition is
 * recorded (allocating host ports) in one transaction, so a missing image or exhausted ports change nothing. A
 * container that then fails to start fails its component only; the registry keeps the new definition as desired
 * state and records the component as it is ("missing"), so the drift shows and Recover can retry.
 * A whole-service deploy also removes the containers of recorded components the definition no longer has (their
 * results follow the defined ones); their rows stay until PurgeComponent. A definition with active = false is
 * recorded and the service stopped, as SyncDesiredState does.
 */
export async function deployService(deps: AgentDeps, input: DeployInput): Promise<DeployOutcome> {
  const { spec } = input;
  if (!spec.active) {
    deps.registry.upsertService(spec);
    return { ...(await stopService(deps, spec.name)), recorded: true };
  }
  const targets = spec.components.filter((component) => input.component === undefined || component.name === input.component);
  // Components whose runtime this node lacks (unikernels without QEMU) are refused; the others deploy.
  const containers = targets.filter((component) => findRuntimeFor(deps, component.runtime) !== undefined);
  const steps = new Map<string, StepResult[]>(targets.map((component) => [component.name, []]));
  const stepsOf = (name: string): StepResult[] => steps.get(name) ?? [];
  const finished = new Map<string, ComponentResult>();
  for (const component of targets) {
    if (!containers.includes(component)) finished.set(component.name, componentResult(component.name, [stepFailed('runtime', noVmBackend(deps))]));
  }
  const inOrder = (recorded: boolean, dropped: readonly ComponentResult[] = []): DeployOutcome => {
    const results = [...targets.flatMap((component) => finished.get(component.name) ?? []), ...dropped];
    return { results, success: allSucceeded(results), recorded };
  };

  const pulls = await pullSteps(deps, containers, input.pull);
  for (const component of containers) {
    const pull = pulls.get(component.image);
    if (pull !== undefined) stepsOf(component.name).push(pull);
  }
  const unpulled = containers.filter((component) => pulls.get(component.image)?.success === false);
  if (unpulled.length > 0) {
    const names = unpulled.map((component) => `"${component.name}"`).join(', ');
    for (const component of containers) {
      const error = `not deployed: the image of component ${names} could not be pulled, so nothing was changed`;
      const failedHere = unpulled.includes(component);
      finished.set(component.name, componentResult(component.name, stepsOf(component.name), failedHere ? {} : { error }));
    }
    return inOrder(false);
  }

  const previous = deps.registry.findService(spec.name);
  let recorded: Service;
  try {
    recorded = deps.registry.upsertService(spec);
  } catch (error) {
    for (const component of containers) {
      finished.set(component.name, componentResult(component.name, [...stepsOf(component.name), stepFailed('ports', errorText(error))]));
    }
    return inOrder(false);
  }
  for (const target of containers) {
    const component = recorded.components.find((candidate) => candidate.name === target.name);
    if (component === undefined) throw new Error(`deploy: component "${target.name}" missing from the registry right after it was recorded`);
    const componentSteps = [...stepsOf(component.name), portsStep(component, previous)];
    finished.set(component.name, await runComponent(deps, spec.name, component, componentSteps));
  }
  const dropped: ComponentResult[] = [];
  if (input.component === undefined) {
    const defined = new Set(spec.components.map((component) => component.name));
    for (const component of recorded.components.filter((candidate) => !defined.has(candidate.name))) {
      dropped.push(await removeDroppedComponent(deps, spec.name, component));
    }
  }
  return inOrder(true, dropped);
}
