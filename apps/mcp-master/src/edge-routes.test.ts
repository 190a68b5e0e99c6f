// The master's edge routes against a real PowerDNS (the internal zone) and scripted agents for the workers and edge
// nodes (real gRPC over TLS on loopback; see testing/scripted-agents.ts). The real edge agent is the e2e's job.
import { Code, ConnectError } from '@connectrpc/connect';
import { createPowerDnsDriver } from '@mcp/dns';
import { probePowerDns, startTestPowerDns, type TestPowerDns } from '@mcp/dns/testing';
import { DiscrepancyKind, ResultStatus, SyncAction } from '@mcp/proto';
import { requireRuntime, uniqueName } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET_OPTIONS, deployService, type FleetOptions } from './deploy.js';
import type { MasterDeps } from './deps.js';
import { reconcileFleet } from './reconcile.js';
import { listPublicRoutes } from './rpc/edge-rpcs.js';
import { fleetStatus } from './status.js';
import { syncFleet } from './sync.js';
import { SCRIPTED_CERT_EXPIRES, specOf, startFleetTestBed, type FleetTestBed } from './testing/scripted-agents.js';
import { undeployService } from './undeploy.js';
import { failureOf, statuses } from './testing/fleet-assertions.js';

const zone = 'svc.mcp.test';
const skip = await requireRuntime('powerdns', probePowerDns);
const options: FleetOptions = { ...DEFAULT_FLEET_OPTIONS, allowedPublicDomains: ['example.test'] };

const unreachable = () => new ConnectError('connect ECONNREFUSED 127.0.0.1:1', Code.Unavailable);

describe.skipIf(skip !== undefined)(`edge routes through the master${skip ? ` (${skip})` : ''}`, () => {
  let powerDns: TestPowerDns;
  let bed: FleetTestBed;
  let deps: MasterDeps;
  beforeAll(async () => {
    powerDns = await startTestPowerDns({ zones: [zone] });
  }, 60_000);
  afterAll(() => powerDns.stop());
  beforeEach(async () => {
    bed = await startFleetTestBed({ agentTimeoutMs: 1000 });
    deps = { ...bed.deps, dns: { driver: createPowerDnsDriver({ zone, apiUrl: powerDns.apiUrl, secret: powerDns.apiKey }), ttlSeconds: 30 } };
  });
  afterEach(() => bed.close());

  const deploy = (service: string, hostnames: readonly string[]) =>
    deployService(deps, { spec: specOf(service, { publicHostnames: hostnames }), component: '', noPull: false }, options);

  it('sets each public route up on the least loaded healthy edge node, after dns and before the record', async () => {
    await bed.startAgent({ name: 'orion' });
    const beta = await bed.startAgent({ name: 'edge-b', role: 'edge' });
    const alpha = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    await bed.startAgent({ name: 'edge-0', role: 'edge', status: 'unhealthy' });
    const service = uniqueName('web');
    const answer = await deploy(service, [`${service}.example.test`, `api.${service}.example.test`]);
    expect(statuses(answer.steps)).toEqual([
      ['place', 'OK'],
      ['dns', 'OK'],
      ['deploy', 'OK'],
      [`edge_route ${service}.example.test`, 'OK'],
      [`edge_route api.${service}.example.test`, 'OK'],
      ['record', 'OK'],
    ]);
    expect(answer.success).toBe(true);
    expect(answer.edgeRouteResult?.status).toBe(ResultStatus.OK);
    // Ties by name first (edge-a), then the one with fewer routes (edge-b); the unhealthy edge-0 never.
    expect(alpha.calls).toEqual([`SetupEdgeRoute ${service}.example.test`]);
    expect(beta.calls).toEqual([`SetupEdgeRoute api.${service}.example.test`]);
    expect(alpha.edgeRoutes.get(`${service}.example.test`)).toMatchObject({ backendHostname: `${service}.${zone}`, backendPort: 443, service });
    expect(answer.steps[3]?.detail).toBe(
      `on edge node edge-a: https://${service}.example.test → ${service}.${zone}:443 (re-encrypted), certificate expires ${SCRIPTED_CERT_EXPIRES}`,
    );
    expect(deps.store.listEdgeRoutes(service).map((route) => [route.hostname, route.edgeNode, route.certExpiresAt?.toISOString()])).toEqual([
      [`api.${service}.example.test`, 'edge-b', SCRIPTED_CERT_EXPIRES],
      [`${service}.example.test`, 'edge-a', SCRIPTED_CERT_EXPIRES],
    ]);

    const status = await fleetStatus(deps, service);
    expect(status.services[0]?.edgeRoutes.map((route) => [route.hostname, route.edgeNode, route.certExpires, route.state])).toEqual([
      [`api.${service}.example.test`, 'edge-b', SCRIPTED_CERT_EXPIRES, 'ok'],
      [`${service}.example.test`, 'edge-a', SCRIPTED_CERT_EXPIRES, 'ok'],
    ]);
    expect(status.discrepancies).toEqual([]);

    // Deploy is idempotent: the routes stay on their edge nodes.
    const again = await deploy(service, [`${service}.example.test`, `api.${service}.example.test`]);
    expect(again.success).toBe(true);
    expect(deps.store.listEdgeRoutes(service).map((route) => route.edgeNode)).toEqual(['edge-b', 'edge-a']);
  });

  it('refuses a hostname outside the allowed domains (whole labels) before any agent is called, recording nothing', async () => {
    const worker = await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    const error = await failureOf(deploy('shop', ['x.evilexample.test']));
    expect(error.kind).toBe('invalid-argument');
    expect(error.message).toBe(
      'service.components[0].routes[0].hostname: x.evilexample.test is public but not under an allowed public domain; ' +
        'expected a name under example.test (whole labels)',
    );
    expect([...worker.calls, ...edge.calls]).toEqual([]);
    expect(deps.store.findPlacement('shop')).toBeUndefined();
    expect(deps.store.listEdgeRoutes()).toEqual([]);
  });

  it('refuses a public name another service holds before any agent is called', async () => {
    const worker = await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    expect((await deploy('first', ['www.example.test'])).success).toBe(true);
    const before = [worker.calls.length, edge.calls.length];
    const error = await failureOf(deploy('second', ['www.example.test']));
    expect(error.kind).toBe('failed-precondition');
    expect(error.message).toMatch(/hostname: www\.example\.test is already the public name of service first \(on edge node edge-a\)/);
    expect([worker.calls.length, edge.calls.length]).toEqual(before);
    expect(deps.store.findPlacement('second')).toBeUndefined();
  });

  it('fails the edge step naming the edge when no healthy edge node exists, and keeps the placement', async () => {
    await bed.startAgent({ name: 'orion' });
    await bed.startAgent({ name: 'edge-a', role: 'edge', status: 'unhealthy' });
    const answer = await deploy('shop', ['shop.example.test']);
    expect(answer.success).toBe(false);
    expect(answer.error).toBe('edge_route shop.example.test: no healthy edge node can serve it (edge nodes: edge-a (unhealthy))');
    expect(deps.store.findPlacement('shop')?.node).toBe('orion');
    expect(deps.store.listEdgeRoutes()).toEqual([]);
  });

  it('reports a failed edge call as the failed step; the route stays recorded, reconciliation reports it missing, a retry converges', async () => {
    await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    edge.failNext('setupEdgeRoute', unreachable());
    const failed = await deploy('shop', ['shop.example.test']);
    expect(failed.success).toBe(false);
    expect(statuses(failed.steps)).toEqual([['place', 'OK'], ['dns', 'OK'], ['deploy', 'OK'], ['edge_route shop.example.test', 'FAILED'], ['record', 'OK']]);
    expect(failed.error).toMatch(/^edge_route shop\.example\.test: on edge node edge-a: node edge-a \(127\.0\.0\.1:\d+\) is unreachable \(.*\); the route stays recorded as wanted/);
    expect(failed.edgeRouteResult?.status).toBe(ResultStatus.FAILED);
    expect(deps.store.findEdgeRoute('shop.example.test')).toMatchObject({ service: 'shop', edgeNode: 'edge-a', backendHostname: `shop.${zone}` });
    expect(deps.store.findEdgeRoute('shop.example.test')?.certExpiresAt).toBeUndefined();

    const report = await reconcileFleet(deps);
    expect(report.discrepancies.map((d) => [DiscrepancyKind[d.kind], d.serviceName, d.node, d.message])).toEqual([
      [
        'MISSING_EDGE_ROUTE',
        'shop',
        'edge-a',
        'edge route shop.example.test of service shop is recorded on edge node edge-a, but that node does not serve it (mcp deploy or mcp sync sets it up again)',
      ],
    ]);
    const listed = await listPublicRoutes(deps);
    expect(listed.routes.map((route) => [route.hostname, route.state])).toEqual([['shop.example.test', 'missing']]);
    expect(listed.edgeNodes.map((node) => [node.node, node.reachable, node.differences.map((d) => `${d.hostname} ${d.kind}`)])).toEqual([
      ['edge-a', true, ['shop.example.test missing']],
    ]);

    const retried = await deploy('shop', ['shop.example.test']);
    expect(retried.success).toBe(true);
    expect(edge.edgeRoutes.has('shop.example.test')).toBe(true);
    expect((await reconcileFleet(deps)).discrepancies).toEqual([]);
  });

  it('removes the edge routes on undeploy after the agent and before dns; an edge that lost the route is fine', async () => {
    const worker = await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    await deploy('shop', ['shop.example.test', 'www.example.test']);
    edge.edgeRoutes.delete('www.example.test');
    const answer = await undeployService(deps, 'shop', options);
    expect(answer.success).toBe(true);
    expect(statuses(answer.steps)).toEqual([
      ['undeploy', 'OK'],
      ['edge_route shop.example.test', 'OK'],
      ['edge_route www.example.test', 'OK'],
      ['dns', 'OK'],
      ['record', 'OK'],
    ]);
    expect(answer.steps[2]?.detail).toMatch(/^edge node edge-a did not have it/);
    expect(worker.calls.at(-1)).toBe('UndeployService shop');
    expect(edge.calls.slice(-2)).toEqual(['RemoveEdgeRoute shop.example.test', 'RemoveEdgeRoute www.example.test']);
    expect(edge.edgeRoutes.size).toBe(0);
    expect(deps.store.listEdgeRoutes()).toEqual([]);
    expect(deps.store.findPlacement('shop')).toBeUndefined();
  });

  it('keeps the placement, the route record and the DNS record when the edge cannot remove the route; a retry removes all', async () => {
    await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    await deploy('shop', ['shop.example.test']);
    edge.failNext('removeEdgeRoute', unreachable());
    const failed = await undeployService(deps, 'shop', options);
    expect(failed.success).toBe(false);
    expect(statuses(failed.steps)).toEqual([['undeploy', 'OK'], ['edge_route shop.example.test', 'FAILED'], ['dns', 'SKIPPED'], ['record', 'SKIPPED']]);
    expect(failed.error).toMatch(/^edge_route shop\.example\.test: not removed from edge node edge-a: .* is unreachable/);
    expect(deps.store.findPlacement('shop')).toBeDefined();
    expect(deps.store.findEdgeRoute('shop.example.test')).toBeDefined();
    expect((await deps.dns?.driver.listRecords())?.some((record) => record.name === 'shop')).toBe(true);

    const retried = await undeployService(deps, 'shop', options);
    expect(retried.success).toBe(true);
    expect(deps.store.findPlacement('shop')).toBeUndefined();
    expect(deps.store.listEdgeRoutes()).toEqual([]);
    expect(edge.edgeRoutes.size).toBe(0);
    expect((await deps.dns?.driver.listRecords())?.some((record) => record.name === 'shop')).toBe(false);
  });

  it('removes a route that is no longer public when the service is deployed again', async () => {
    await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    await deploy('shop', ['shop.example.test', 'old.example.test']);
    const answer = await deploy('shop', ['shop.example.test']);
    expect(statuses(answer.steps.filter((step) => step.step.startsWith('edge_route')))).toEqual([
      ['edge_route old.example.test', 'OK'],
      ['edge_route shop.example.test', 'OK'],
    ]);
    expect([...edge.edgeRoutes.keys()]).toEqual(['shop.example.test']);
    expect(deps.store.listEdgeRoutes().map((route) => route.hostname)).toEqual(['shop.example.test']);
  });

  it('sync sets up again a route the edge lost, without redeploying the unchanged service', async () => {
    const worker = await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    const spec = specOf('shop', { publicHostnames: ['shop.example.test'] });
    await deploy('shop', ['shop.example.test']);
    edge.edgeRoutes.clear();
    const deploysBefore = worker.calls.filter((call) => call.startsWith('Deploy')).length;

    const plan = await syncFleet(deps, { specs: [spec], dryRun: true, noPull: false }, options);
    expect(plan.plan[0]).toMatchObject({ serviceName: 'shop', action: SyncAction.UNCHANGED });
    expect(plan.plan[0]?.reason).toMatch(/edge route shop\.example\.test .* does not serve it .*: sync sets it up again$/);
    expect(edge.edgeRoutes.size).toBe(0);

    const synced = await syncFleet(deps, { specs: [spec], dryRun: false, noPull: false }, options);
    expect(synced.success).toBe(true);
    expect(synced.plan[0]).toMatchObject({ action: SyncAction.UNCHANGED, status: ResultStatus.OK });
    expect(statuses(synced.plan[0]?.steps ?? [])).toEqual([['edge_route shop.example.test', 'OK']]);
    expect(edge.edgeRoutes.has('shop.example.test')).toBe(true);
    expect(worker.calls.filter((call) => call.startsWith('Deploy')).length).toBe(deploysBefore);

    const quiet = await syncFleet(deps, { specs: [spec], dryRun: false, noPull: false }, options);
    expect(quiet.plan[0]).toMatchObject({ action: SyncAction.UNCHANGED, status: ResultStatus.SKIPPED, reason: 'definition unchanged' });
  });

  it('lists each edge node against the records: unrecorded routes and unreachable edges shown', async () => {
    await bed.startAgent({ name: 'orion' });
    const edge = await bed.startAgent({ name: 'edge-a', role: 'edge' });
    await bed.addDeadNode({ name: 'edge-z', role: 'edge' });
    await deploy('shop', ['shop.example.test']);
    edge.edgeRoutes.set('stray.example.test', { ...edge.edgeRoutes.get('shop.example.test')!, hostname: 'stray.example.test', service: 'stray' });
    const listed = await listPublicRoutes(deps);
    expect(listed.routes.map((route) => [route.hostname, route.service, route.edgeNode, route.state, route.certExpires])).toEqual([
      ['shop.example.test', 'shop', 'edge-a', 'ok', SCRIPTED_CERT_EXPIRES],
    ]);
    expect(listed.edgeNodes.map((node) => [node.node, node.reachable, node.routes.map((route) => route.hostname), node.differences.map((d) => d.message)])).toEqual([
      ['edge-a', true, ['shop.example.test', 'stray.example.test'], ['served by edge-a for service stray, but the master records no such route']],
      ['edge-z', false, [], []],
    ]);
    expect(listed.edgeNodes[1]?.error).toMatch(/^node edge-z \(127\.0\.0\.1:\d+\) is unreachable/);
  });
});
