import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.js';
import { openTempRegistry } from './testing.js';
import type { TempRegistry } from './testing.js';
import type { EdgeRouteSpec } from './types.js';

const route: EdgeRouteSpec = {
  hostname: 'app.example.com',
  backendHostname: 'app.svc.mcp.internal',
  backendPort: 10000,
  backendAddress: '100.64.0.7',
  service: 'app',
  listenerPort: 443,
  certPath: '/srv/mcp/certs/app.example.com.pem',
  keyPath: '/srv/mcp/certs/app.example.com.key',
  certExpiresAt: new Date('2025-04-01T00:00:00.000Z'),
};

describe('edge routes', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('are stored with their certificate and read back after a reopen', () => {
    temp = openTempRegistry();
    temp.registry.putEdgeRoute(route);
    const now = temp.clock.now();
    expect(temp.open().getEdgeRoute(route.hostname)).toEqual({ ...route, createdAt: now, updatedAt: now });
  });

  it('are replaced whole by a put for the same hostname, keeping their creation time', () => {
    temp = openTempRegistry();
    const created = temp.registry.putEdgeRoute(route);
    temp.clock.advance(1000);
    const renewed = { ...route, backendPort: 10001, certExpiresAt: new Date('2025-07-01T00:00:00.000Z') };
    expect(temp.registry.putEdgeRoute(renewed)).toEqual({
      ...renewed,
      createdAt: created.createdAt,
      updatedAt: temp.clock.now(),
    });
  });

  it('are listed by hostname', () => {
    temp = openTempRegistry();
    for (const hostname of ['b.example.com', 'a.example.com']) {
      temp.registry.putEdgeRoute({ ...route, hostname });
    }
    expect(temp.registry.listEdgeRoutes().map((r) => r.hostname)).toEqual(['a.example.com', 'b.example.com']);
  });

  it('are deleted by hostname', () => {
    temp = openTempRegistry();
    temp.registry.putEdgeRoute(route);
    temp.registry.deleteEdgeRoute(route.hostname);
    expect(temp.registry.findEdgeRoute(route.hostname)).toBeUndefined();
  });

  it('bring the proxy route that serves them: l7 re-encrypting to the address, checked as the backend name', () => {
    temp = openTempRegistry();
    temp.registry.putEdgeRoute(route);
    expect(temp.registry.findProxyRoute(443, route.hostname)).toMatchObject({
      backendHost: '100.64.0.7',
      backendPort: 10000,
      mode: 'l7',
      backendTls: true,
      certSource: 'acme',
      backendServerName: 'app.svc.mcp.internal',
    });
    expect(temp.registry.findProxyRoute(443, route.hostname)?.owner).toBeUndefined();
    // Re-set on another listener: the old proxy route goes.
    temp.registry.putEdgeRoute({ ...route, listenerPort: 8443, backendAddress: '100.64.0.8' });
    expect(temp.registry.listProxyRoutes().map((proxy) => `${proxy.listenerPort} ${proxy.hostname} ${proxy.backendHost}`)).toEqual(['8443 app.example.com 100.64.0.8']);
    temp.registry.deleteEdgeRoute(route.hostname);
    expect(temp.registry.listProxyRoutes()).toEqual([]);
  });

  it('answer NotFoundError naming the hostname when absent', () => {
    temp = openTempRegistry();
    expect(() => temp?.registry.getEdgeRoute('nope.example.com')).toThrow(NotFoundError);
    expect(() => temp?.registry.deleteEdgeRoute('nope.example.com')).toThrow(/"nope.example.com"/);
  });
});
