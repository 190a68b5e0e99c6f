// Which instances a Logs request reads: one component of a service, or every component of it that has one.
import { isValidName } from '@mcp/servicedef';
import type { AgentDeps } from './deps.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import type { LogTarget } from './log-stream.js';
import { instanceOf, observeNode, type OwnInstance } from './own-instances.js';
import { checkServiceName } from './path-guard.js';

export interface LogsScope {
  readonly service: string;
  /** "" for every component. */
  readonly component: string;
  readonly tail?: number;
}

/** Refuses a request that names no service, a malformed component or a negative tail. */
export function checkLogsScope(scope: LogsScope): void {
  if (scope.service === '') {
    throw new InvalidArgumentError({ field: 'service', value: '', problem: 'is empty', expected: 'the service whose log to read' });
  }
  checkServiceName(scope.service);
  if (scope.component !== '' && !isValidName(scope.component)) {
    throw new InvalidArgumentError({
      field: 'component',
      value: scope.component,
      problem: 'is not a valid component name',
      expected: "lower-case letters, digits and '-', starting with a letter, or \"\" for every component",
      service: scope.service,
    });
  }
  if (scope.tail !== undefined && scope.tail < 0) {
    throw new InvalidArgumentError({
      field: 'tail',
      value: scope.tail,
      problem: 'is negative',
      expected: 'a number of lines ≥ 0, or unset for the whole log',
      service: scope.service,
    });
  }
}

function target(instance: OwnInstance, component: string): LogTarget {
  return { component, name: instance.info.name, runtime: instance.source.runtime };
}

/**
 * The instances to read, in the registry's component order (then unmanaged ones of this node bearing the
 * service's label). NotFound when the service is unknown here, or has no instance (of that component).
 */
export async function logTargets(deps: AgentDeps, scope: LogsScope): Promise<LogTarget[]> {
  checkLogsScope(scope);
  const services = deps.registry.listServices();
  const observation = await observeNode(deps, services);
  const service = services.find((candidate) => candidate.name === scope.service);
  const where = `node "${deps.node.name}"`;
  const targets: LogTarget[] = [];
  const seen = new Set<OwnInstance>();
  for (const component of service?.components ?? []) {
    const instance = instanceOf(observation, { service: scope.service, component: component.name });
    if (instance === undefined) continue;
    seen.add(instance);
    targets.push(target(instance, component.name));
  }
  for (const instance of observation.instances) {
    if (seen.has(instance) || instance.ref?.service !== scope.service) continue;
    targets.push(target(instance, instance.ref.component));
  }
  if (service === undefined && targets.length === 0) {
    throw new NotFoundError({ resource: 'service', name: scope.service, where: `the registry or the runtimes of ${where}` });
  }
  if (scope.component === '') {
    if (targets.length === 0) {
      throw new NotFoundError({ resource: 'container or VM of service', name: scope.service, where: `${where} (none exists)` });
    }
    return targets;
  }
  const chosen = targets.filter((candidate) => candidate.component === scope.component);
  if (chosen.length > 0) return chosen.slice(0, 1);
  const defined = service?.components.some((component) => component.name === scope.component) === true;
  throw new NotFoundError({
    resource: defined ? 'container or VM of component' : 'component',
    name: scope.component,
    where: `service "${scope.service}" on ${where}${defined ? ' (none exists)' : ''}`,
  });
}
