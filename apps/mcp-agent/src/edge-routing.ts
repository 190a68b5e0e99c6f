// An edge node's public routes (SPEC §7 Edge): check the backend (internal zone, resolves into the overlay, TLS), get
// the public name's certificate, put the l7 route on the public listener re-encrypting to the backend's node proxy,
// record it. Any failure undoes what this call did: nothing half-registered, the previous route (a replace) kept.
import type { StoredCertificate } from '@mcp/acme';
import type { SetupEdgeRouteRequest, StepResult } from '@mcp/proto';
import { edgeProxyRouteOf, type EdgeRoute, type EdgeRouteSpec } from '@mcp/registry';
import { errorText } from './component-container.js';
import type { AgentDeps, EdgeSettings } from './deps.js';
import { checkSetupEdgeRoute, type CheckedEdgeRoute } from './edge-route-request.js';
import { AlreadyExistsError, BackendUnavailableError, FailedPreconditionError, NotFoundError } from './errors.js';
import { proxyRouteOf, type ProxyRouting } from './proxy-routing.js';
import { stepOk } from './wire/spec.js';

type EdgeDeps = Pick<AgentDeps, 'node' | 'registry' | 'log' | 'proxy' | 'edge'>;

export interface SetupOutcome {
  readonly route: EdgeRouteSpec;
  readonly certificate: StoredCertificate;
  readonly steps: StepResult[];
}

/** The proxy and edge settings, or why this node serves no edge routes. */
export function edgeOf(deps: EdgeDeps, method: string): { proxy: ProxyRouting; edge: EdgeSettings } {
  if (deps.node.role !== 'edge') {
    throw new FailedPreconditionError(`${method}: node "${deps.node.name}" has role ${deps.node.role}; public routes live on edge nodes only ([node] role = "edge")`);
  }
  if (deps.proxy === undefined) throw new FailedPreconditionError(`${method}: this edge node has no proxy configured ([proxy] driver = "haproxy" in the agent config)`);
  if (deps.edge === undefined) throw new FailedPreconditionError(`${method}: this edge node has no [edge] settings`);
  return { proxy: deps.proxy, edge: deps.edge };
}

/** The one overlay address the backend name resolves to now (the first, sorted); every address must be inside. */
async function resolveBackend(edge: EdgeSettings, route: CheckedEdgeRoute): Promise<string> {
  let addresses: string[];
  try {
    addresses = await edge.resolve(route.backendHostname);
  } catch (error) {
    throw new BackendUnavailableError('dns', `edge route ${route.hostname}: ${route.backendHostname} could not be resolved (the DNS server did not answer: ${errorText(error)}), nothing registered`, { cause: error });
  }
  if (addresses.length === 0) {
    throw new FailedPreconditionError(`edge route ${route.hostname}: ${route.backendHostname} does not resolve (no A or AAAA record in the internal zone), nothing registered`);
  }
  const outside = addresses.filter((address) => !edge.overlay.contains(address));
  if (outside.length > 0) {
    throw new FailedPreconditionError(
      `edge route ${route.hostname}: ${route.backendHostname} resolves to ${outside.join(', ')}, outside the overlay ${edge.overlay.text} ([edge] overlay_cidr); an edge node forwards only into the overlay, nothing registered`,
    );
  }
  return addresses[0] as string;
}

async function undo(steps: readonly (() => Promise<unknown>)[], log: AgentDeps['log']): Promise<void> {
  for (const step of [...steps].reverse()) {
    try {
      await step();
    } catch (error) {
      log.error({ error: errorText(error) }, 'edge route: undoing a step of a failed setup failed');
    }
  }
}

/** SetupEdgeRoute: create, or replace the route of the same hostname (the master calls again after a migrate). */
export async function setupEdgeRoute(deps: EdgeDeps, request: SetupEdgeRouteRequest): Promise<SetupOutcome> {
  const { proxy, edge } = edgeOf(deps, 'SetupEdgeRoute');
  const checked = checkSetupEdgeRoute(request, proxy.zone);
  const log = deps.log.child({ rpc: 'SetupEdgeRoute', hostname: checked.hostname, service: checked.service });
  const previous = deps.registry.findEdgeRoute(checked.hostname);
  const taken = deps.registry.findProxyRoute(edge.listenerPort, checked.hostname);
  if (taken !== undefined && previous?.listenerPort !== edge.listenerPort) {
    const owner = taken.owner === undefined ? 'added by hand' : `of service "${taken.owner.service}" (component "${taken.owner.component}")`;
    throw new AlreadyExistsError(`edge route ${checked.hostname}: the proxy already has a route for ${checked.hostname}:${edge.listenerPort} ${owner}; remove it first, nothing registered`);
  }
  const steps: StepResult[] = [stepOk('validate', `${checked.hostname} → ${checked.backendHostname}:${checked.backendPort} (TLS), service ${checked.service}`)];
  const backendAddress = await resolveBackend(edge, checked);
  steps.push(stepOk('resolve', `${checked.backendHostname} → ${backendAddress} (inside ${edge.overlay.text})`));

  const undoSteps: (() => Promise<unknown>)[] = [];
  const hadCertificate = (await proxy.certificates.find(checked.hostname)) !== undefined;
  let certificate: StoredCertificate;
  try {
    certificate = await proxy.certificates.obtain(checked.hostname);
  } catch (error) {
    throw new FailedPreconditionError(`edge route ${checked.hostname}: no certificate for ${checked.hostname}, nothing registered: ${errorText(error)}`, { cause: error });
  }
  if (!hadCertificate) undoSteps.push(() => proxy.certificates.remove(checked.hostname));
  steps.push(stepOk('cert', `serial ${certificate.serial}, expires ${certificate.notAfter.toISOString()}`));

  const spec: EdgeRouteSpec = {
    ...checked,
    backendAddress,
    listenerPort: edge.listenerPort,
    certPath: certificate.chainPath,
    keyPath: certificate.keyPath,
    certExpiresAt: certificate.notAfter,
  };
  try {
    await proxy.driver.putRoute(await proxyRouteOf(proxy, edgeProxyRouteOf(spec)));
    undoSteps.push(() => (previous === undefined ? proxy.driver.removeRoute(spec.listenerPort, spec.hostname) : restoreProxyRoute(proxy, previous, spec)));
    steps.push(stepOk('proxy', `l7 ${spec.hostname}:${spec.listenerPort} → ${backendAddress}:${spec.backendPort} (TLS, verified as ${spec.backendHostname})`));
    deps.registry.putEdgeRoute(spec);
    steps.push(stepOk('registry', 'recorded'));
  } catch (error) {
    await undo(undoSteps, log);
    throw new FailedPreconditionError(`edge route ${checked.hostname} not registered: ${errorText(error)}`, { cause: error });
  }
  // A replace that moved to another listener: the old one stops serving the name.
  if (previous !== undefined && previous.listenerPort !== spec.listenerPort) await proxy.driver.removeRoute(previous.listenerPort, spec.hostname);
  log.info({ backend: `${backendAddress}:${spec.backendPort}`, serial: certificate.serial, replaced: previous !== undefined }, previous === undefined ? 'edge route set up' : 'edge route replaced');
  return { route: spec, certificate, steps };
}

/** Puts the route of a replaced edge route back on the proxy after a failed replace. */
async function restoreProxyRoute(proxy: ProxyRouting, previous: EdgeRoute, attempted: EdgeRouteSpec): Promise<void> {
  if (previous.listenerPort !== attempted.listenerPort) await proxy.driver.removeRoute(attempted.listenerPort, attempted.hostname);
  await proxy.driver.putRoute(await proxyRouteOf(proxy, edgeProxyRouteOf(previous)));
}

/** RemoveEdgeRoute: the route off the proxy, its record, and its certificate (unless another route serves the name). */
export async function removeEdgeRoute(deps: EdgeDeps, hostname: string): Promise<EdgeRoute> {
  const { proxy } = edgeOf(deps, 'RemoveEdgeRoute');
  const route = deps.registry.findEdgeRoute(hostname);
  if (route === undefined) throw new NotFoundError({ resource: 'edge route', name: hostname, where: `edge node "${deps.node.name}"` });
  await proxy.driver.removeRoute(route.listenerPort, hostname);
  deps.registry.deleteEdgeRoute(hostname);
  if (!deps.registry.listProxyRoutes().some((other) => other.hostname === hostname && other.mode === 'l7')) await proxy.certificates.remove(hostname);
  deps.log.info({ rpc: 'RemoveEdgeRoute', hostname, service: route.service }, 'edge route removed');
  return route;
}

/** The edge routes by hostname, each with the certificate kept for it now (renewals included). */
export async function listEdgeRoutesWithCertificates(deps: EdgeDeps): Promise<{ route: EdgeRoute; certificate: StoredCertificate | undefined }[]> {
  const { proxy } = edgeOf(deps, 'ListEdgeRoutes');
  const routes = deps.registry.listEdgeRoutes();
  return Promise.all(routes.map(async (route) => ({ route, certificate: await proxy.certificates.find(route.hostname) })));
}
