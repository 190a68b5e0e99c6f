// The node proxy's repair sweep (SPEC §7): the agent is the proxy's only writer, so whatever the proxy serves that
// the registry does not ask for goes, whatever it lacks comes back (a killed proxy is restarted first), and
// certificates near their end are renewed and swapped in at run time. Each repair is an event and one alert.
import { sameRoute, type ServedRoute } from '@mcp/proxy';
import type { RecordedProxyRoute } from '@mcp/registry';
import { errorText } from './component-container.js';
import type { AgentDeps } from './deps.js';
import type { Alert, ProxyAlertKind } from './monitor/alert-runner.js';
import { proxyRouteOf, type ProxyRouting } from './proxy-routing.js';

/** Pseudo service name of events about routes added by hand and about the proxy itself. */
export const PROXY_EVENT_SERVICE = '(proxy)';

export interface ProxySweepState {
  /** Repairs that failed at the last sweep, by key: alerted once, until they succeed. */
  readonly failing: Set<string>;
}

export function createProxySweepState(): ProxySweepState {
  return { failing: new Set() };
}

function key(route: { listenerPort: number; hostname: string }): string {
  return `${route.hostname}:${route.listenerPort}`;
}

export async function sweepProxy(deps: Pick<AgentDeps, 'registry' | 'log' | 'node'>, proxy: ProxyRouting, state: ProxySweepState): Promise<Alert[]> {
  const alerts: Alert[] = [];
  const log = deps.log.child({ component: 'proxy-sweep' });
  const note = (kind: ProxyAlertKind, owner: RecordedProxyRoute['owner'], message: string, eventKind: string): void => {
    const service = owner?.service ?? PROXY_EVENT_SERVICE;
    deps.registry.recordEvent({ service, ...(owner === undefined ? {} : { component: owner.component }), kind: eventKind, message });
    alerts.push({ kind, node: deps.node.name, service: owner?.service ?? '', component: owner?.component ?? '', desired: 'routed', observed: eventKind, message });
  };
  const failed = (failureKey: string, kind: ProxyAlertKind, owner: RecordedProxyRoute['owner'], message: string): void => {
    log.error({ key: failureKey }, message);
    if (state.failing.has(failureKey)) return;
    state.failing.add(failureKey);
    note(kind, owner, message, kind);
  };

  let restarted = false;
  if (proxy.driver.ensureRunning !== undefined) {
    try {
      restarted = (await proxy.driver.ensureRunning()) === 'started';
    } catch (error) {
      failed('process', 'proxy-repair-failed', undefined, `the node proxy is down and could not be started: ${errorText(error)}`);
      return alerts;
    }
  }
  state.failing.delete('process');
  const desired = deps.registry.listProxyRoutes();
  if (restarted) note('proxy-repaired', undefined, `the node proxy (${proxy.driver.name}) was not running: started again, ${desired.length} routes re-applied`, 'proxy-restarted');

  // Renewal first: a renewed certificate is then what the route comparison expects to be served.
  const renewed = new Set<string>();
  if (proxy.certificates.canIssue) {
    for (const route of desired.filter((candidate) => candidate.certSource === 'acme')) {
      const stored = await proxy.certificates.find(route.hostname);
      if (stored !== undefined && !(await proxy.certificates.due(stored))) continue;
      if (renewed.has(route.hostname)) continue;
      try {
        const fresh = await proxy.certificates.renew(route.hostname);
        renewed.add(route.hostname);
        state.failing.delete(`renew ${route.hostname}`);
        const message = `certificate for ${route.hostname} renewed (serial ${fresh.serial}, expires ${fresh.notAfter.toISOString()})${stored === undefined ? '' : `; it had until ${stored.notAfter.toISOString()}`}`;
        deps.registry.recordEvent({ service: route.owner?.service ?? PROXY_EVENT_SERVICE, ...(route.owner === undefined ? {} : { component: route.owner.component }), kind: 'cert-renewed', message });
        log.info({ hostname: route.hostname, serial: fresh.serial }, message);
      } catch (error) {
        failed(`renew ${route.hostname}`, 'cert-renewal-failed', route.owner, `certificate for ${route.hostname} could not be renewed: ${errorText(error)}`);
      }
    }
  }

  let served: ServedRoute[];
  try {
    served = await proxy.driver.listRoutes();
  } catch (error) {
    failed('list', 'proxy-repair-failed', undefined, `the node proxy's routes could not be read: ${errorText(error)}`);
    return alerts;
  }
  state.failing.delete('list');
  const servedByKey = new Map(served.map((route) => [key(route), route]));
  const desiredKeys = new Set(desired.map(key));
  for (const route of desired) {
    const actual = servedByKey.get(key(route));
    const backend = {
      mode: route.mode,
      backendTls: route.backendTls,
      backend: { host: route.backendHost, port: route.backendPort },
      ...(route.backendServerName === undefined ? {} : { backendServerName: route.backendServerName }),
    };
    let why: string | undefined;
    if (actual === undefined) why = 'missing';
    else if (!sameRoute(actual, backend)) why = `served to ${actual.backend.host}:${actual.backend.port} (${actual.mode}${actual.backendTls ? ', TLS' : ''})`;
    else if (route.mode === 'l7') {
      const stored = await proxy.certificates.find(route.hostname);
      if (stored !== undefined && stored.serial !== actual.certificateSerial) why = renewed.has(route.hostname) ? 'renewed' : `serving certificate ${actual.certificateSerial ?? 'none'}`;
    }
    if (why === undefined) continue;
    try {
      await proxy.driver.putRoute(await proxyRouteOf(proxy, route));
      state.failing.delete(key(route));
      if (why === 'renewed') continue;
      // After a restart the one restart alert says it all; each route still gets its event.
      const message = `proxy route ${route.mode} ${key(route)} → ${route.backendHost}:${route.backendPort} restored (it was ${why})`;
      if (restarted) deps.registry.recordEvent({ service: route.owner?.service ?? PROXY_EVENT_SERVICE, ...(route.owner === undefined ? {} : { component: route.owner.component }), kind: 'proxy-route-restored', message });
      else note('proxy-repaired', route.owner, message, 'proxy-route-restored');
    } catch (error) {
      failed(key(route), 'proxy-repair-failed', route.owner, `proxy route ${key(route)} could not be restored: ${errorText(error)}`);
    }
  }
  for (const route of served.filter((candidate) => !desiredKeys.has(key(candidate)))) {
    try {
      await proxy.driver.removeRoute(route.listenerPort, route.hostname);
      state.failing.delete(`extra ${key(route)}`);
      note('proxy-repaired', undefined, `proxy route ${route.mode} ${key(route)} → ${route.backend.host}:${route.backend.port} removed: nobody asked for it (added behind the agent's back)`, 'proxy-route-removed');
    } catch (error) {
      failed(`extra ${key(route)}`, 'proxy-repair-failed', undefined, `proxy route ${key(route)} that nobody asked for could not be removed: ${errorText(error)}`);
    }
  }
  return alerts;
}
