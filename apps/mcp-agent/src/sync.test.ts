// SyncDesiredState on real podman: what it records, what it reports, what it stops, and that it never deletes.
import { DesiredStateChange, ResultStatus } from '@mcp/proto';
import type { ServiceSpec } from '@mcp/registry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { startDeployFixture, type DeployFixture } from './deploy.fixture.js';
import { syncDesiredState } from './sync.js';
import { podmanSkipReason } from './testing/agent-test-bed.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`desired state sync${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let fixture: DeployFixture;
  beforeAll(async () => {
    fixture = await startDeployFixture();
  }, 120_000);
  afterEach(() => fixture.removeContainers());
  afterAll(() => fixture.close());

  const changes = (outcome: Awaited<ReturnType<typeof syncDesiredState>>) =>
    outcome.results.map((result) => DesiredStateChange[result.change]);

  it('reports ADDED, then UNCHANGED for the same definition, then UPDATED for a changed one', async () => {
    const spec = fixture.httpService();
    expect(changes(await syncDesiredState(fixture.deps, [spec]))).toEqual(['ADDED']);
    expect(changes(await syncDesiredState(fixture.deps, [spec]))).toEqual(['UNCHANGED']);
    const changed = { ...spec, components: [{ ...spec.components[0]!, env: ['MODE=prod'] }] };
    const outcome = await syncDesiredState(fixture.deps, [changed]);
    expect(changes(outcome)).toEqual(['UPDATED']);
    expect(outcome.success).toBe(true);
    expect(fixture.deps.registry.getService(spec.name).components[0]?.env).toEqual(['MODE=prod']);
  });

  it('reports UNCHANGED for a pinned definition synced again, with or without a tier (node wins over tier)', async () => {
    const base = fixture.httpService();
    const pinned: ServiceSpec = { name: base.name, active: true, node: 'rift', snapshot: base.snapshot, components: base.components };
    const pinnedCore: ServiceSpec = { ...fixture.httpService(), node: 'rift', tier: 'core' };
    expect(changes(await syncDesiredState(fixture.deps, [pinned, pinnedCore]))).toEqual(['ADDED', 'ADDED']);
    expect(changes(await syncDesiredState(fixture.deps, [pinned, pinnedCore]))).toEqual(['UNCHANGED', 'UNCHANGED']);
  });

  it('keeps the host port of a route when the definition is synced again', async () => {
    const spec = fixture.httpService();
    await syncDesiredState(fixture.deps, [spec]);
    const port = fixture.deps.registry.getService(spec.name).components[0]?.routes[0]?.hostPort;
    await syncDesiredState(fixture.deps, [{ ...spec, comment: 'changed' }]);
    expect(fixture.deps.registry.getService(spec.name).components[0]?.routes[0]?.hostPort).toBe(port);
  });

  it('records without starting anything', async () => {
    const spec = fixture.httpService();
    await syncDesiredState(fixture.deps, [spec]);
    expect(await fixture.containers(spec.name)).toEqual([]);
  });

  it('never deletes: services and components left out of a sync stay recorded', async () => {
    const kept = fixture.httpService();
    const base = fixture.httpService();
    const extra = { ...base.components[0]!, name: 'extra', routes: [] };
    await syncDesiredState(fixture.deps, [kept, { ...base, components: [base.components[0]!, extra] }]);
    await syncDesiredState(fixture.deps, [base]);
    expect(fixture.deps.registry.findService(kept.name)).toBeDefined();
    expect(fixture.deps.registry.getService(base.name).components.map((component) => component.name)).toEqual(['web', 'extra']);
  });

  it('stops a running service that the definitions mark inactive, and reports STOPPED with its components', async () => {
    const spec = fixture.httpService();
    await deployService(fixture.deps, { spec, pull: 'never' });
    const outcome = await syncDesiredState(fixture.deps, [{ ...spec, active: false }]);
    expect(changes(outcome)).toEqual(['STOPPED']);
    expect(outcome.results[0]?.status).toBe(ResultStatus.OK);
    expect(outcome.results[0]?.components.map((result) => result.name)).toEqual(['web']);
    expect((await fixture.containers(spec.name)).map((container) => container.state)).toEqual(['exited']);
    expect(fixture.deps.registry.getService(spec.name).active).toBe(false);
  });

  it('reports an inactive service that was already stopped as UNCHANGED', async () => {
    const spec = { ...fixture.httpService(), active: false };
    await syncDesiredState(fixture.deps, [spec]);
    expect(changes(await syncDesiredState(fixture.deps, [spec]))).toEqual(['UNCHANGED']);
  });

  it('answers in request order, one result per service', async () => {
    const specs = [fixture.httpService(), fixture.httpService(), fixture.httpService()];
    const outcome = await syncDesiredState(fixture.deps, specs);
    expect(outcome.results.map((result) => result.service)).toEqual(specs.map((spec) => spec.name));
  });
});
