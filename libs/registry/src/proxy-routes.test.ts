import { afterEach, describe, expect, it } from 'vitest';
import { openTempRegistry } from './testing.js';
import type { TempRegistry } from './testing.js';
import type { DesiredProxyRoute } from './types.js';

const l7: DesiredProxyRoute = {
  listenerPort: 443,
  hostname: 'web.svc.mcp.test',
  backendHost: '127.0.0.1',
  backendPort: 10001,
  mode: 'l7',
  backendTls: false,
  certSource: 'acme',
  owner: { service: 'web', component: 'api' },
};
const byHand: DesiredProxyRoute = { listenerPort: 443, hostname: 'pass.example.test', backendHost: '10.0.0.2', backendPort: 8443, mode: 'l4', backendTls: false, certSource: 'none' };

describe('proxy routes', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('are kept with their owner and read back after a reopen, sorted by port then hostname', () => {
    temp = openTempRegistry();
    temp.registry.putProxyRoute(l7);
    temp.registry.putProxyRoute(byHand);
    temp.registry.putProxyRoute({ ...byHand, listenerPort: 80 });
    const now = temp.clock.now();
    const reopened = temp.open();
    expect(reopened.listProxyRoutes().map((route) => `${route.listenerPort} ${route.hostname}`)).toEqual(['80 pass.example.test', '443 pass.example.test', '443 web.svc.mcp.test']);
    expect(reopened.findProxyRoute(443, 'web.svc.mcp.test')).toEqual({ ...l7, createdAt: now, updatedAt: now });
    expect(reopened.findProxyRoute(443, 'pass.example.test')?.owner).toBeUndefined();
    expect(reopened.listProxyRoutesOf({ service: 'web', component: 'api' })).toHaveLength(1);
  });

  it('are replaced by a put with the same listener and hostname, keeping their creation time', () => {
    temp = openTempRegistry();
    const created = temp.registry.putProxyRoute(l7);
    temp.clock.advance(1000);
    const replaced = temp.registry.putProxyRoute({ ...l7, backendPort: 10002 });
    expect(replaced.backendPort).toBe(10002);
    expect(replaced.createdAt).toEqual(created.createdAt);
    expect(replaced.updatedAt.getTime()).toBe(created.updatedAt.getTime() + 1000);
    expect(temp.registry.listProxyRoutes()).toHaveLength(1);
  });

  it('are deleted by listener and hostname, saying whether there was one', () => {
    temp = openTempRegistry();
    temp.registry.putProxyRoute(l7);
    expect(temp.registry.deleteProxyRoute(443, 'web.svc.mcp.test')).toBe(true);
    expect(temp.registry.deleteProxyRoute(443, 'web.svc.mcp.test')).toBe(false);
  });

  it('refuse a mode or port the proxy cannot have', () => {
    temp = openTempRegistry();
    expect(() => temp?.registry.putProxyRoute({ ...l7, mode: 'l5' as 'l4' })).toThrow(/CHECK constraint/);
    expect(() => temp?.registry.putProxyRoute({ ...l7, backendPort: 70000 })).toThrow(/CHECK constraint/);
  });
});
