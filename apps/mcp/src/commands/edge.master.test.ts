import { create } from '@bufbuild/protobuf';
import { ListPublicRoutesResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeMaster } from '../fake-master-fleet.js';

const bed = useFakeMaster();

const route = (hostname: string, service: string) => ({
  hostname,
  backendHostname: `${service}.svc.mcp.test`,
  backendPort: 443,
  certExpires: '2025-07-30T00:00:00Z',
  service,
  listenerPort: 443,
});

const answer = () =>
  create(ListPublicRoutesResponseSchema, {
    routes: [
      { hostname: 'shop.example.test', edgeNode: 'edge', backendHostname: 'shop.svc.mcp.test', backendPort: 443, certExpires: '2025-07-30T00:00:00Z', service: 'shop', state: 'ok' },
      {
        hostname: 'www.example.test',
        edgeNode: 'edge',
        backendHostname: 'www.svc.mcp.test',
        backendPort: 443,
        service: 'www',
        state: 'missing',
        error: 'edge route www.example.test of service www is recorded on edge node edge, but that node does not serve it',
      },
    ],
    edgeNodes: [
      {
        node: 'edge',
        address: '10.0.0.3:9444',
        status: 'healthy',
        reachable: true,
        routes: [route('shop.example.test', 'shop'), route('stray.example.test', 'stray')],
        differences: [
          { hostname: 'stray.example.test', kind: 'unrecorded', message: 'served by edge for service stray, but the master records no such route' },
          { hostname: 'www.example.test', kind: 'missing', message: 'recorded for service www, not served by edge' },
        ],
      },
      { node: 'edge-2', address: '10.0.0.4:9444', status: 'unhealthy', reachable: false, error: 'node edge-2 (10.0.0.4:9444) is unreachable: ECONNREFUSED' },
    ],
  });

describe('mcp edge through the master', () => {
  it('list prints HOSTNAME EDGE BACKEND CERT-EXPIRES SERVICE STATE, and why a route is not ok on stderr', async () => {
    const f = await bed.start({ master: { listPublicRoutes: answer } });
    const { exitCode, stdout, stderr } = await f.mcp('edge', 'list');
    expect([exitCode, stdout.split('\n')]).toEqual([
      0,
      [
        'HOSTNAME           EDGE  BACKEND                CERT-EXPIRES          SERVICE  STATE',
        'shop.example.test  edge  shop.svc.mcp.test:443  2025-07-30T00:00:00Z  shop     ok',
        'www.example.test   edge  www.svc.mcp.test:443   -                     www      missing',
        '',
      ],
    ]);
    expect(stderr).toContain('www.example.test (missing): edge route www.example.test of service www is recorded on edge node edge, but that node does not serve it');
  });

  it('status shows each edge node against the records, differences and unreachable edges, and exits 1', async () => {
    const f = await bed.start({ master: { listPublicRoutes: answer } });
    const { exitCode, stdout } = await f.mcp('edge', 'status');
    expect([exitCode, stdout.split('\n')]).toEqual([
      1,
      [
        'NODE: edge (healthy, 10.0.0.3:9444)',
        'HOSTNAME            BACKEND                 CERT-EXPIRES          SERVICE',
        'shop.example.test   shop.svc.mcp.test:443   2025-07-30T00:00:00Z  shop',
        'stray.example.test  stray.svc.mcp.test:443  2025-07-30T00:00:00Z  stray',
        '  unrecorded stray.example.test: served by edge for service stray, but the master records no such route',
        '  missing www.example.test: recorded for service www, not served by edge',
        '',
        'NODE: edge-2 (unhealthy, 10.0.0.4:9444)',
        '  unreachable: node edge-2 (10.0.0.4:9444) is unreachable: ECONNREFUSED',
        '',
      ],
    ]);
  });

  it('status exits 0 and says so when every edge matches the records', async () => {
    const f = await bed.start({
      master: {
        listPublicRoutes: () =>
          create(ListPublicRoutesResponseSchema, { edgeNodes: [{ node: 'edge', address: '10.0.0.3:9444', status: 'healthy', reachable: true }] }),
      },
    });
    const { exitCode, stdout } = await f.mcp('edge', 'status');
    expect([exitCode, stdout]).toEqual([0, "NODE: edge (healthy, 10.0.0.3:9444)\n  no public routes\n  matches the master's records\n"]);
  });

  it("prints the master's answer as {master, response} under --json", async () => {
    const f = await bed.start({ master: { listPublicRoutes: answer } });
    const { stdout } = await f.mcp('edge', 'list', '--json');
    const document = JSON.parse(stdout) as { master: string; response: { routes: { hostname: string; state: string }[] } };
    expect(document.master).toBe(f.master.address);
    expect(document.response.routes.map((r) => [r.hostname, r.state])).toEqual([['shop.example.test', 'ok'], ['www.example.test', 'missing']]);
  });

  it('says so when nothing is recorded, and refuses --direct (exit 2)', async () => {
    const f = await bed.start({ master: { listPublicRoutes: () => create(ListPublicRoutesResponseSchema, {}) } });
    expect((await f.mcp('edge', 'list')).stdout).toBe('no public routes recorded (a route with public = true gets one on deploy)\n');
    const direct = await f.mcp('--direct', 'edge', 'status');
    expect([direct.exitCode, direct.stderr]).toEqual([2, 'mcp: mcp edge status works through mcp-master (the edge route records live there); drop --direct\n']);
  });
});
