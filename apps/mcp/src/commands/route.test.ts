// `mcp route list|add|remove` against scripted agents: every flag reaches the RPC (SPEC §10, failure 5), and the
// list prints the SPEC §5 shape. The agent's real behaviour is tested in mcp-agent on real HAProxy and Pebble.
import { create } from '@bufbuild/protobuf';
import { AddProxyRouteResponseSchema, ListProxyRoutesResponseSchema, RemoveProxyRouteResponseSchema, ResultStatus } from '@mcp/proto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();

const added = () =>
  create(AddProxyRouteResponseSchema, {
    route: { listenerPort: 8443, hostname: 'web.svc.mcp.test', backend: '127.0.0.1:10001', mode: 'l7', backendTls: true },
    steps: [{ step: 'cert', success: true, status: ResultStatus.OK, detail: 'from the ACME CA' }],
  });

describe('mcp route add --direct', () => {
  it('sends --mode l7, --backend-tls and --port to AddProxyRoute', async () => {
    const f = await fleet.start([{ name: 'rift', script: { addProxyRoute: added } }]);
    const { exitCode, stdout } = await f.mcp('route', 'add', 'web.svc.mcp.test', '127.0.0.1:10001', '--mode', 'l7', '--backend-tls', '--port', '8443');
    expect(exitCode).toBe(0);
    expect(f.agent('rift').requests('addProxyRoute')).toEqual([
      expect.objectContaining({ listenerPort: 8443, hostname: 'web.svc.mcp.test', backend: '127.0.0.1:10001', mode: 'l7', backendTls: true }),
    ]);
    expect(stdout).toContain('    l7 web.svc.mcp.test → 127.0.0.1:10001 (re-encrypt)');
  });

  it('sends mode l4 and port 443 by default, never an empty mode', async () => {
    const f = await fleet.start([{ name: 'rift', script: { addProxyRoute: added } }]);
    await f.mcp('route', 'add', 'pass.example.test', '10.0.0.2:8443');
    expect(f.agent('rift').requests('addProxyRoute')).toEqual([expect.objectContaining({ listenerPort: 443, mode: 'l4', backendTls: false, certPem: '', keyPem: '' })]);
  });

  it('sends the PEM of --cert and --key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-route-cli-'));
    await writeFile(join(dir, 'chain.pem'), 'CHAIN PEM\n');
    await writeFile(join(dir, 'key.pem'), 'KEY PEM\n');
    const f = await fleet.start([{ name: 'rift', script: { addProxyRoute: added } }]);
    await f.mcp('route', 'add', 'web.svc.mcp.test', '127.0.0.1:10001', '--mode', 'l7', '--cert', join(dir, 'chain.pem'), '--key', join(dir, 'key.pem'));
    await rm(dir, { recursive: true, force: true });
    expect(f.agent('rift').requests('addProxyRoute')).toEqual([expect.objectContaining({ certPem: 'CHAIN PEM\n', keyPem: 'KEY PEM\n', mode: 'l7' })]);
  });

  it('refuses --cert without --key, and an unknown mode, before calling the agent', async () => {
    const f = await fleet.start([{ name: 'rift', script: { addProxyRoute: added } }]);
    const noKey = await f.mcp('route', 'add', 'web.svc.mcp.test', '127.0.0.1:1', '--mode', 'l7', '--cert', 'x.pem');
    expect([noKey.exitCode, noKey.stderr]).toEqual([2, expect.stringContaining('--key is missing')]);
    const badMode = await f.mcp('route', 'add', 'web.svc.mcp.test', '127.0.0.1:1', '--mode', 'l5');
    expect(badMode.exitCode).toBe(2);
    expect(f.agent('rift').calls.filter((call) => call.method === 'addProxyRoute')).toEqual([]);
  });
});

describe('mcp route remove --direct', () => {
  it('sends the hostname and --port to RemoveProxyRoute', async () => {
    const removed = () => create(RemoveProxyRouteResponseSchema, { route: { listenerPort: 9443, hostname: 'pass.example.test', backend: '10.0.0.2:8443', mode: 'l4' } });
    const f = await fleet.start([{ name: 'rift', script: { removeProxyRoute: removed } }]);
    const { exitCode, stdout } = await f.mcp('route', 'remove', 'pass.example.test', '--port', '9443');
    expect([exitCode, f.agent('rift').requests('removeProxyRoute')]).toEqual([0, [{ listenerPort: 9443, hostname: 'pass.example.test' }]]);
    expect(stdout).toBe('removed from rift :9443\n    l4 pass.example.test → 10.0.0.2:8443\n');
  });
});

describe('mcp route list --direct', () => {
  it('prints NODE, the proxy, each listener with its counts and its routes', async () => {
    const listed = () =>
      create(ListProxyRoutesResponseSchema, {
        node: 'rift',
        proxy: { driver: 'haproxy', version: '2.6.12', uptime: { seconds: 8379n }, connections: 120n, activeConnections: 2n },
        listeners: [
          {
            port: 443,
            routeCount: 2,
            activeConnections: 2n,
            routes: [
              { listenerPort: 443, hostname: 'pass.example.test', backend: '127.0.0.1:10001', mode: 'l4' },
              { listenerPort: 443, hostname: 'web.svc.mcp.test', backend: '127.0.0.1:10002', mode: 'l7', backendTls: true },
            ],
          },
        ],
      });
    const f = await fleet.start([{ name: 'rift', script: { listProxyRoutes: listed } }]);
    const { exitCode, stdout } = await f.mcp('route', 'list');
    expect([exitCode, stdout]).toEqual([
      0,
      'NODE: rift\n  proxy: haproxy 2.6.12  uptime 2h19m  connections 120 (active 2)\n  :443  routes=2  active=2\n    l4 pass.example.test → 127.0.0.1:10001\n    l7 web.svc.mcp.test → 127.0.0.1:10002 (re-encrypt)\n',
    ]);
  });
});
