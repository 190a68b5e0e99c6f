// Conformance tests of the event stream and of images (exists, failed pull).
import { expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { NODE_LABEL } from '../types.js';
import type { RuntimeEvent } from '../types.js';
import type { ConformanceFixture } from './conformance-fixture.js';
import { eventOf, readUntil } from './conformance-fixture.js';
import { specFor } from './conformance-containers.js';

export function eventConformanceTests(fixture: () => ConformanceFixture): void {
  it('reports the start of a container, with its labels', async () => {
    const f = fixture();
    const since = new Date(Date.now() - 1000);
    const { name } = await f.runtime.createAndStart(specFor(f, f.programs.serve()));
    const events = await readUntil(
      (signal) => f.runtime.events({ node: f.node, since, signal }),
      (event) => event.name === name && event.action === 'start',
    );
    expect(events.at(-1)?.labels[NODE_LABEL]).toBe(f.node);
  });

  it('reports a die with the exit code when the container is killed behind its back', async () => {
    const f = fixture();
    const since = new Date(Date.now() - 1000);
    const { name } = await f.runtime.createAndStart(specFor(f, f.programs.serve()));
    const events: RuntimeEvent[] = [];
    let kill: Promise<unknown> | undefined;
    await readUntil(
      (signal) => f.runtime.events({ node: f.node, since, signal }),
      (event) => {
        events.push(event);
        // Kill only once the stream is live, so the die cannot fall between replay and streaming.
        if (kill === undefined && eventOf(events, name, 'start')) kill = f.killOutOfBand(name).catch((e: unknown) => e);
        return event.name === name && event.action === 'die';
      },
    );
    expect(await kill).toBeUndefined();
    const die = events.find((event) => event.action === 'die');
    expect(die?.exitCode).toBeGreaterThan(0);
    expect((await f.runtime.inspect(name)).state).toBe('exited');
  });

  it('does not report events of other nodes\' containers', async () => {
    const f = fixture();
    const since = new Date(Date.now() - 1000);
    const theirs = await f.runtime.createAndStart(specFor(f, f.programs.serve(), { node: f.uniqueName('other') }));
    try {
      const mine = await f.runtime.createAndStart(specFor(f, f.programs.serve()));
      const events = await readUntil(
        (signal) => f.runtime.events({ node: f.node, since, signal }),
        (event) => event.name === mine.name && event.action === 'start',
      );
      expect(events.filter((event) => event.name === theirs.name)).toEqual([]);
    } finally {
      await f.runtime.remove(theirs.name, { force: true });
    }
  });

  it('tells a present image from a missing one', async () => {
    const f = fixture();
    expect(await f.runtime.imageExists(f.presentImage)).toBe(true);
    expect(await f.runtime.imageExists(f.missingImage)).toBe(false);
  });

  it('fails to pull an image that no registry serves, with an error naming it', async () => {
    const f = fixture();
    const failure = await f.runtime.pullImage(f.missingImage).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).target).toBe(f.missingImage);
    expect(['not-found', 'unavailable']).toContain((failure as RuntimeError).kind);
  });
}
