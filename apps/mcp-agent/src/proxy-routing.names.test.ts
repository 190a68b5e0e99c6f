// Which name a worker's proxy serves a route under: the public name of a public route belongs to the edge node.
import type { Component } from '@mcp/registry';
import { describe, expect, it } from 'vitest';
import { desiredRoutesOf, routeHostname } from './proxy-routing.js';

const zone = 'svc.mcp.test';

describe('route hostnames on the node proxy', () => {
  it('are the route hostname, or <service>.<zone> without one', () => {
    expect(routeHostname('shop', { hostname: 'shop.internal.example', public: false }, zone)).toBe('shop.internal.example');
    expect(routeHostname('shop', { public: false }, zone)).toBe('shop.svc.mcp.test');
  });

  it('are <service>.<zone> for a public route: the edge terminates the public name and dials the internal one', () => {
    expect(routeHostname('shop', { hostname: 'shop.example.test', public: true }, zone)).toBe('shop.svc.mcp.test');
  });

  it('make the desired routes of a component with a public route', () => {
    const component = {
      name: 'web',
      routes: [
        { name: 'https', port: 8443, mode: 'l7', hostname: 'shop.example.test', public: true, hostPort: 10001 },
        { name: 'admin', port: 9443, mode: 'l7', hostname: 'admin.shop.test', public: false, hostPort: 10002 },
      ],
    } as unknown as Component;
    expect(desiredRoutesOf('shop', component, zone).map((route) => `${route.hostname}:${route.listenerPort} → ${route.backendHost}:${route.backendPort}`)).toEqual([
      'shop.svc.mcp.test:8443 → 127.0.0.1:10001',
      'admin.shop.test:9443 → 127.0.0.1:10002',
    ]);
  });
});
