// Which containers and VMs are this agent's: every runtime source (podman, QEMU) asked once, merged.
import type { ComponentRef, ComponentRuntime, Service } from '@mcp/registry';
import type { ContainerInfo, Runtime } from '@mcp/runtime';
import { noVmBackend, type AgentDeps } from './deps.js';

/** One runtime backend the agent asks for instances, and the component runtime it serves. */
export interface InstanceSource {
  readonly runtime: Runtime;
  readonly componentRuntime: ComponentRuntime;
}

/** Every component runtime a definition may name; each needs a source before its components can be judged. */
export const COMPONENT_RUNTIMES: readonly ComponentRuntime[] = ['container', 'unikernel'];

/** Why a component runtime has no source on this node. */
function noSource(deps: AgentDeps, runtime: ComponentRuntime): string {
  return runtime === 'container' ? 'no container runtime is configured' : `qemu: ${noVmBackend(deps)}, so unikernel components cannot be checked`;
}

/** The runtimes this agent asks: podman, and QEMU when the node runs VMs. */
export function instanceSources(deps: Pick<AgentDeps, 'runtime' | 'vmRuntime'>): readonly InstanceSource[] {
  const vm: InstanceSource[] = deps.vmRuntime === undefined ? [] : [{ runtime: deps.vmRuntime, componentRuntime: 'unikernel' }];
  return [{ runtime: deps.runtime, componentRuntime: 'container' }, ...vm];
}

/** A container or VM that is this agent's: it bears this node's label, or the registry adopted it. */
export interface OwnInstance {
  readonly info: ContainerInfo;
  /** The source that shows it: its runtime is the one to ask for its logs. */
  readonly source: InstanceSource;
  readonly componentRuntime: ComponentRuntime;
  /** From the ownership labels, or for an adopted unlabelled container from the registry row that adopted it. */
  readonly ref: ComponentRef | undefined;
  /** The registry has its component. */
  readonly managed: boolean;
}

export interface NodeObservation {
  readonly instances: readonly OwnInstance[];
  /** Unlabelled containers nobody adopted: someone else's (candidates for AdoptContainers). */
  readonly unclaimed: readonly ContainerInfo[];
  /** Component runtimes that could not be asked, and why: their components are neither present nor missing. */
  readonly unanswered: ReadonlyMap<ComponentRuntime, string>;
}

/**
 * The ownership rule in one place: a container is this node's when it bears the node's `mcp.node` label, or
 * when it bears none and its id is the one the registry recorded for its component (it was adopted).
 */
export function isOwnContainer(node: string, container: Pick<ContainerInfo, 'id' | 'node'>, recordedContainerId?: string): boolean {
  if (container.node !== undefined) return container.node === node;
  return recordedContainerId !== undefined && recordedContainerId !== '' && container.id === recordedContainerId;
}

function refKey(ref: ComponentRef): string {
  return `${ref.service}/${ref.component}`;
}

/** Registry components by the id of the container last observed for them (how an adopted container is known). */
function componentsByContainerId(services: readonly Service[]): Map<string, ComponentRef> {
  const byId = new Map<string, ComponentRef>();
  for (const service of services) {
    for (const component of service.components) {
      const id = component.observed.containerId;
      if (id !== undefined && id !== '') byId.set(id, { service: service.name, component: component.name });
    }
  }
  return byId;
}

/**
 * Asks every source once (unlabelled containers included, so adopted ones are found) and sorts what it
 * shows into this agent's instances and unclaimed containers. Other nodes' containers never appear.
 * A source that fails is reported in `unanswered`, never taken as "everything is gone".
 */
export async function observeNode(deps: AgentDeps, services: readonly Service[]): Promise<NodeObservation> {
  const adopted = componentsByContainerId(services);
  const known = new Set(
    services.flatMap((service) => service.components.map((entry) => refKey({ service: service.name, component: entry.name }))),
  );
  const instances: OwnInstance[] = [];
  const unclaimed: ContainerInfo[] = [];
  const unanswered = new Map<ComponentRuntime, string>(COMPONENT_RUNTIMES.map((runtime) => [runtime, noSource(deps, runtime)]));
  const sources = instanceSources(deps);
  const answers = await Promise.allSettled(
    sources.map((source) => source.runtime.list({ node: deps.node.name, includeUnlabelled: true })),
  );
  sources.forEach((source, index) => {
    const answer = answers[index];
    if (answer === undefined) return;
    if (answer.status === 'rejected') {
      const reason: unknown = answer.reason;
      const text = reason instanceof Error ? reason.message : String(reason);
      unanswered.set(source.componentRuntime, `${source.runtime.backend}: ${text}`);
      return;
    }
    unanswered.delete(source.componentRuntime);
    for (const info of answer.value) {
      const ref = info.node === undefined ? adopted.get(info.id) : labelledRef(info);
      if (!isOwnContainer(deps.node.name, info, ref === undefined ? undefined : info.id)) {
        if (info.node === undefined) unclaimed.push(info);
        continue;
      }
      const managed = ref !== undefined && known.has(refKey(ref));
      instances.push({ info, source, componentRuntime: source.componentRuntime, ref, managed });
    }
  });
  return { instances, unclaimed, unanswered };
}

function labelledRef(info: ContainerInfo): ComponentRef | undefined {
  return info.service !== undefined && info.component !== undefined
    ? { service: info.service, component: info.component }
    : undefined;
}

/** The instance of one registry component, if it has one (a labelled one wins over an adopted one). */
export function instanceOf(observation: NodeObservation, ref: ComponentRef): OwnInstance | undefined {
  const matches = observation.instances.filter(
    (instance) => instance.ref?.service === ref.service && instance.ref.component === ref.component,
  );
  return matches.find((instance) => instance.info.node !== undefined) ?? matches[0];
}
