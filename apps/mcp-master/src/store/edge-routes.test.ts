import { afterEach, describe, expect, it } from 'vitest';
import type { EdgeRouteRecord } from '../deps.js';
import { UnknownNodeError } from './errors.js';
import { openTempMasterStore, sampleNode, type TempMasterStore } from './testing.js';

describe('the store’s edge routes', () => {
  let temp: TempMasterStore | undefined;
  afterEach(() => temp?.cleanup());

  function route(overrides: Partial<EdgeRouteRecord> & { hostname: string }): EdgeRouteRecord {
    return { service: 'mcq', edgeNode: 'edge-1', backendHostname: 'mcq.svc.mcp.test', backendPort: 443, createdAt: new Date('2025-02-01T00:00:00Z'), ...overrides };
  }

  it('records, lists by hostname or per service, replaces and deletes routes', () => {
    temp = openTempMasterStore();
    const { store } = temp;
    store.upsertNode(sampleNode({ name: 'edge-1', role: 'edge' }));
    store.putEdgeRoute(route({ hostname: 'www.example.test' }));
    store.putEdgeRoute(route({ hostname: 'api.example.test', service: 'api', backendHostname: 'api.svc.mcp.test' }));
    expect(store.listEdgeRoutes().map((r) => r.hostname)).toEqual(['api.example.test', 'www.example.test']);
    expect(store.listEdgeRoutes('mcq').map((r) => r.hostname)).toEqual(['www.example.test']);
    expect(store.findEdgeRoute('www.example.test')?.certExpiresAt).toBeUndefined();

    const expires = new Date('2025-05-01T00:00:00Z');
    store.putEdgeRoute(route({ hostname: 'www.example.test', certExpiresAt: expires }));
    expect(store.findEdgeRoute('www.example.test')).toEqual(route({ hostname: 'www.example.test', certExpiresAt: expires }));

    store.deleteEdgeRoute('www.example.test');
    store.deleteEdgeRoute('www.example.test');
    expect(store.listEdgeRoutes().map((r) => r.hostname)).toEqual(['api.example.test']);
  });

  it('refuses a route on an edge node it does not know', () => {
    temp = openTempMasterStore();
    expect(() => temp?.store.putEdgeRoute(route({ hostname: 'www.example.test', edgeNode: 'nowhere' }))).toThrow(UnknownNodeError);
    expect(temp.store.listEdgeRoutes()).toEqual([]);
  });
});
