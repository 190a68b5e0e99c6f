// Conformance tests of the container lifecycle: create, start, inspect, list, stop, remove.
import { expect, it } from 'vitest';
import { NotFoundError, RuntimeError } from '../errors.js';
import { COMPONENT_LABEL, NODE_LABEL, SERVICE_LABEL, containerName } from '../types.js';
import type { ContainerSpec } from '../types.js';
import type { ConformanceFixture, Program } from './conformance-fixture.js';
import { waitForState } from './conformance-fixture.js';

export function specFor(
  fixture: ConformanceFixture,
  program: Program,
  overrides: Partial<ContainerSpec> = {},
): ContainerSpec {
  return { service: fixture.uniqueName('svc'), component: 'main', node: fixture.node, ...program, ...overrides };
}

export function containerConformanceTests(fixture: () => ConformanceFixture): void {
  it('reports itself available with a version', async () => {
    const probe = await fixture().runtime.probe();
    expect(probe.available).toBe(true);
    expect(probe.version).toMatch(/\S/);
  });

  it('names a container <service>-<component> and labels it with its node, service and component', async () => {
    const f = fixture();
    const spec = specFor(f, f.programs.serve(), { component: 'web' });
    const details = await f.runtime.createAndStart(spec);
    expect(details.name).toBe(`${spec.service}-web`);
    expect(details.state).toBe('running');
    expect(details.labels).toMatchObject({
      [NODE_LABEL]: f.node,
      [SERVICE_LABEL]: spec.service,
      [COMPONENT_LABEL]: 'web',
    });
    expect({ node: details.node, service: details.service, component: details.component }).toEqual({
      node: f.node,
      service: spec.service,
      component: 'web',
    });
  });

  it('keeps extra labels next to the ownership labels, which win', async () => {
    const f = fixture();
    const spec = specFor(f, f.programs.serve(), { labels: { 'mcp.version': '1.2.3', [NODE_LABEL]: 'someone-else' } });
    const details = await f.runtime.createAndStart(spec);
    expect(details.labels['mcp.version']).toBe('1.2.3');
    expect(details.labels[NODE_LABEL]).toBe(f.node);
  });

  it('passes env and cmd to the container as given', async () => {
    const f = fixture();
    const program = f.programs.serve();
    expect(program.cmd, 'programs.serve() must give an explicit cmd').toBeDefined();
    const spec = specFor(f, program, { env: { GREETING: 'hello world', EMPTY: '' } });
    const details = await f.runtime.createAndStart(spec);
    expect(details.env).toMatchObject({ GREETING: 'hello world', EMPTY: '' });
    expect(details.cmd).toEqual(program.cmd);
  });

  it('refuses a second container with the same name as a conflict', async () => {
    const f = fixture();
    const spec = specFor(f, f.programs.serve());
    await f.runtime.createAndStart(spec);
    const failure = await f.runtime.createAndStart(spec).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).kind).toBe('conflict');
  });

  it('fails with NotFoundError naming the image when the image is missing, leaving nothing behind', async () => {
    const f = fixture();
    const failure = await f.runtime
      .createAndStart(specFor(f, { image: f.missingImage }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
    expect((failure as NotFoundError).target).toBe(f.missingImage);
    expect(await f.runtime.list({ node: f.node })).toEqual([]);
  });

  it('fails with a RuntimeError when the program cannot start, leaving nothing behind', async () => {
    const f = fixture();
    const failure = await f.runtime
      .createAndStart(specFor(f, f.programs.failToStart()))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect(await f.runtime.list({ node: f.node })).toEqual([]);
  });

  it('lists only the containers bearing its node label', async () => {
    const f = fixture();
    const other = f.uniqueName('other-node');
    const mine = await f.runtime.createAndStart(specFor(f, f.programs.serve()));
    const theirs = await f.runtime.createAndStart(specFor(f, f.programs.serve(), { node: other }));
    try {
      const listed = await f.runtime.list({ node: f.node });
      expect(listed.map((container) => container.name)).toEqual([mine.name]);
      expect(listed[0]).toMatchObject({ id: mine.id, state: 'running', node: f.node, image: mine.image });
    } finally {
      await f.runtime.remove(theirs.name, { force: true });
    }
  });

  it('lists unlabelled containers too when asked, but never other nodes\' ones', async () => {
    const f = fixture();
    const other = f.uniqueName('other-node');
    const unlabelled = f.uniqueName('stray');
    await f.createUnlabelled(unlabelled);
    const mine = await f.runtime.createAndStart(specFor(f, f.programs.serve()));
    const theirs = await f.runtime.createAndStart(specFor(f, f.programs.serve(), { node: other }));
    try {
      const names = (await f.runtime.list({ node: f.node, includeUnlabelled: true })).map((c) => c.name);
      expect(names).toContain(mine.name);
      expect(names).toContain(unlabelled);
      expect(names).not.toContain(theirs.name);
      expect((await f.runtime.list({ node: f.node })).map((c) => c.name)).not.toContain(unlabelled);
    } finally {
      await f.runtime.remove(theirs.name, { force: true });
    }
  });

  it('stops a running container, which then shows as exited', async () => {
    const f = fixture();
    const { name } = await f.runtime.createAndStart(specFor(f, f.programs.serve()));
    await f.runtime.stop(name, { timeoutSeconds: 2 });
    expect((await f.runtime.inspect(name)).state).toBe('exited');
    expect((await f.runtime.list({ node: f.node }))[0]?.state).toBe('exited');
  });

  it('records the exit code of a program that exits by itself', async () => {
    const f = fixture();
    const { name } = await f.runtime.createAndStart(specFor(f, f.programs.print({ stdout: ['bye'], exitCode: 3 })));
    const details = await waitForState(f.runtime, name, 'exited');
    expect(details.exitCode).toBe(3);
  });

  it('removes a container, which then no longer lists', async () => {
    const f = fixture();
    const { name } = await f.runtime.createAndStart(specFor(f, f.programs.serve()));
    await f.runtime.stop(name, { timeoutSeconds: 2 });
    await f.runtime.remove(name);
    expect(await f.runtime.list({ node: f.node })).toEqual([]);
  });

  it('refuses to remove a running container without force, as a wrong state', async () => {
    const f = fixture();
    const { name } = await f.runtime.createAndStart(specFor(f, f.programs.serve()));
    const failure = await f.runtime.remove(name).catch((error: unknown) => error);
    expect((failure as RuntimeError).kind).toBe('wrong-state');
    expect((await f.runtime.inspect(name)).state).toBe('running');
  });

  it('removes a running container with force', async () => {
    const f = fixture();
    const { name } = await f.runtime.createAndStart(specFor(f, f.programs.serve()));
    await f.runtime.remove(name, { force: true });
    expect(await f.runtime.list({ node: f.node })).toEqual([]);
  });

  for (const operation of ['stop', 'remove', 'inspect'] as const) {
    it(`${operation} of a missing container throws NotFoundError naming it`, async () => {
      const f = fixture();
      const name = containerName(f.uniqueName('missing'), 'main');
      const failure = await f.runtime[operation](name).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NotFoundError);
      expect((failure as NotFoundError).target).toBe(name);
    });
  }
}
