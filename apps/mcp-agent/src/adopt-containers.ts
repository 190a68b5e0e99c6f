// AdoptContainers: running <service> and <service>-* containers nobody manages become components of the service in the
// registry, as they run: nothing is restarted, and labels come with the container's next replacement.
import { create } from '@bufbuild/protobuf';
import { AdoptResultSchema, ResultStatus, type AdoptResult } from '@mcp/proto';
import type { ComponentSpec, RouteSpec, Service, ServiceSpec } from '@mcp/registry';
import { containerName, type ContainerDetails, type ContainerInfo } from '@mcp/runtime';
import { formatPortMapping, isValidName, parsePort, routePortVariable } from '@mcp/servicedef';
import type { AgentDeps } from './deps.js';
import { BackendUnavailableError, InvalidArgumentError } from './errors.js';
import { observeNode, type NodeObservation } from './own-instances.js';
import { checkServiceName } from './path-guard.js';
import { currentComponents } from './recorded-definition.js';
import { imageVersion } from './wire/status.js';

/** Variables podman sets in every container by itself; recreating a container must not pin them. */
const PODMAN_ENV = new Set(['container', 'HOSTNAME']);
/** podman's default network; a container on it needs no `network` in its definition. */
const DEFAULT_NETWORK = 'podman';

interface Candidate {
  readonly info: ContainerInfo;
  readonly component: string;
  /** Why it is not adopted (already managed, not running), when it is not. */
  readonly skip?: string;
}

interface ResultFields {
  readonly container: string;
  readonly component: string;
  readonly status: ResultStatus;
  readonly error?: string;
  readonly detail?: string;
}

function result(fields: ResultFields): AdoptResult {
  return create(AdoptResultSchema, fields);
}

/**
 * The component a container named `name` is of `service` (containerName's rule read backwards): `<service>` is the
 * component bearing the service's name (the Go MCP's `mcq`), `<service>-<component>` the others; else undefined.
 */
function componentNamed(service: string, name: string): string | undefined {
  if (name === service) return service;
  return name.startsWith(`${service}-`) ? name.slice(service.length + 1) : undefined;
}

/** Unlabelled or this node's containers named `<service>` or `<service>-…`, each with the component it would become. */
function candidatesFor(service: string, observation: NodeObservation, services: readonly Service[]): Candidate[] {
  const managedNames = new Map<string, string>();
  for (const entry of services) {
    for (const { name } of entry.components) managedNames.set(containerName(entry.name, name), `${entry.name}/${name}`);
  }
  const candidates: Candidate[] = [];
  for (const instance of observation.instances) {
    const { info } = instance;
    const named = componentNamed(service, info.name);
    if (named === undefined || (info.service !== undefined && info.service !== service)) continue;
    const component = instance.ref?.component ?? info.component ?? named;
    if (instance.managed) candidates.push({ info, component, skip: `already managed as ${instance.ref?.service}/${component}` });
    else candidates.push({ info, component });
  }
  for (const info of observation.unclaimed) {
    const component = componentNamed(service, info.name);
    if (component === undefined) continue;
    const other = managedNames.get(info.name);
    // `a-b-web` may be component `b-web` of `a` or `web` of `a-b`: a name the registry already uses wins.
    if (other !== undefined && other !== `${service}/${component}`) {
      candidates.push({ info, component, skip: `its name belongs to ${other} in the registry` });
    } else {
      candidates.push({ info, component });
    }
  }
  return candidates
    .map((candidate) =>
      candidate.skip === undefined && candidate.info.state !== 'running'
        ? { ...candidate, skip: `not running (${candidate.info.state}); only running containers are adopted` }
        : candidate,
    )
    .sort((a, b) => (a.info.name < b.info.name ? -1 : a.info.name > b.info.name ? 1 : 0));
}

function volumeText(volume: ContainerDetails['volumes'][number]): string {
  return `${volume.source}:${volume.target}${volume.options.length > 0 ? `:${volume.options.join(',')}` : ''}`;
}

/** The component a container's configuration describes, enough to recreate it (no routes: a container has none). */
export function componentFromContainer(component: string, details: ContainerDetails): ComponentSpec {
  const onDefaultNetwork = details.networks.length === 1 && details.networks[0] === DEFAULT_NETWORK;
  const network = onDefaultNetwork ? undefined : details.networks.join(',');
  const restart = details.restart === 'no' ? undefined : details.restart;
  return {
    name: component,
    image: details.image,
    runtime: 'container',
    // The definition's default; podman ignores it (it sizes VMs only).
    vcpus: 1,
    ...(network === undefined || network === '' ? {} : { network }),
    ...(details.user === undefined ? {} : { user: details.user }),
    ...(restart === undefined ? {} : { restart }),
    ports: details.ports.map(formatPortMapping),
    volumes: details.volumes.map(volumeText),
    ...(details.cmd.length === 0 ? {} : { cmd: [...details.cmd] }),
    env: Object.entries(details.env)
      .filter(([key]) => !PODMAN_ENV.has(key))
      .map(([key, value]) => `${key}=${value}`),
    routes: [],
  };
}

/**
 * Routes of a recorded definition with the host ports the running container already listens on: MCP gave it
 * `$PORT_<NAME>` (or `$PORT` for a single route), so those variables say which host port each route has.
 */
export function routesWithContainerPorts(routes: readonly RouteSpec[], env: Readonly<Record<string, string>>): RouteSpec[] {
  return routes.map((route) => {
    const variable = route.name !== '' ? routePortVariable(route.name) : routes.length === 1 ? 'PORT' : undefined;
    const text = variable === undefined ? undefined : env[variable];
    const port = text === undefined ? undefined : parsePort(text);
    return port === undefined ? route : { ...route, hostPort: port };
  });
}

/** The service spec to record: the current definition with the adopted component added or completed. */
function specWithAdopted(
  deps: AgentDeps,
  service: string,
  component: string,
  details: ContainerDetails,
): { spec: ServiceSpec; detail: string } {
  const existing = deps.registry.findService(service);
  if (existing === undefined) {
    const spec: ServiceSpec = {
      name: service,
      active: true,
      // A master node hosts core services only (SPEC §1), so what runs there is core.
      tier: deps.node.role === 'master' ? 'core' : 'worker',
      snapshot: { method: '', exclude: [] },
      components: [componentFromContainer(component, details)],
    };
    return { spec, detail: `new service with component ${component} from container ${details.name} (${details.image})` };
  }
  const recorded = existing.components.find((candidate) => candidate.name === component);
  // A recorded service is a spec as it stands (upsertService takes a record's definition fields only).
  const current: ServiceSpec = { ...existing, components: currentComponents(existing) };
  if (recorded === undefined) {
    const spec = { ...current, components: [...current.components, componentFromContainer(component, details)] };
    return { spec, detail: `component ${component} added from container ${details.name} (${details.image})` };
  }
  const adopted: ComponentSpec = { ...recorded, routes: routesWithContainerPorts(recorded.routes, details.env) };
  const components = current.components.some((candidate) => candidate.name === component)
    ? current.components.map((candidate) => (candidate.name === component ? adopted : candidate))
    : [...current.components, adopted];
  return {
    spec: { ...current, components },
    detail: `recorded definition of ${component} kept; route host ports taken from the container's $PORT variables`,
  };
}

async function adoptOne(deps: AgentDeps, service: string, candidate: Candidate, dryRun: boolean): Promise<AdoptResult> {
  const { info, component } = candidate;
  const base = { container: info.name, component };
  if (candidate.skip !== undefined) return result({ ...base, status: ResultStatus.SKIPPED, detail: candidate.skip });
  if (!isValidName(component)) {
    const error =
      `"${component}" (the name after "${service}-") is not a valid component name: ` +
      'lower-case letters, digits and "-", starting with a letter';
    return result({ ...base, status: ResultStatus.FAILED, error });
  }
  try {
    const details = await deps.runtime.inspect(info.name);
    const { spec, detail } = specWithAdopted(deps, service, component, details);
    if (dryRun) return result({ ...base, status: ResultStatus.OK, detail: `would be adopted: ${detail}` });
    deps.registry.upsertService(spec);
    const version = imageVersion(details.image);
    deps.registry.recordObservedState(
      { service, component },
      {
        state: details.state,
        containerId: details.id,
        ...(version === '' ? {} : { version }),
        ...(details.startedAt === undefined ? {} : { startedAt: details.startedAt }),
        message: `adopted container ${details.name}`,
      },
    );
    return result({ ...base, status: ResultStatus.OK, detail: `adopted: ${detail}` });
  } catch (error) {
    return result({ ...base, status: ResultStatus.FAILED, error: error instanceof Error ? error.message : String(error) });
  }
}

/** Adopts (or, on a dry run, reports) every matching container; one result per container, sorted by name. */
export async function adoptContainers(deps: AgentDeps, request: { service: string; dryRun: boolean }): Promise<AdoptResult[]> {
  if (request.service === '') {
    throw new InvalidArgumentError({
      field: 'service',
      value: '',
      problem: 'is empty',
      expected: 'the service whose <service>-<component> containers to adopt',
    });
  }
  checkServiceName(request.service);
  const services = deps.registry.listServices();
  const observation = await observeNode(deps, services);
  const unanswered = observation.unanswered.get('container');
  if (unanswered !== undefined) {
    throw new BackendUnavailableError(deps.runtime.backend, `cannot list containers to adopt: ${unanswered}`);
  }
  const results: AdoptResult[] = [];
  // One at a time: each adoption reads the registry the previous one wrote.
  for (const candidate of candidatesFor(request.service, observation, services)) {
    results.push(await adoptOne(deps, request.service, candidate, request.dryRun));
  }
  return results;
}
