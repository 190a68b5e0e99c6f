// Property: whatever the client sends, the guard refuses it or lands strictly inside the service directory.
import { realpath, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidPathError, NotFoundError } from './errors.js';
import { checkRelativePath, guardServicePath } from './path-guard.js';
import { SERVICE, createFilesFixture, snapshotTree } from './service-files.fixture.js';
import { writeServiceFile } from './service-files.js';

/** Pieces that hit the interesting cases far more often than random text: traversal, encodings, the fixture's links. */
const piece = fc.constantFrom(
  '..', '.', '', 'sub', 'config.toml', 'new', 'a b', '%2e%2e', '%2e', '%252e%252e', '%2f', '\uff0e\uff0e', '\u2025',
  '\\', '..\\..', '\u0000', '\n', 'x'.repeat(256), 'link-in', 'dir-in', 'up-link', 'escape', 'link-out-dir',
  'link-out-file', 'link-sibling', 'chain-1', 'loop-a', 'dangling-out', 'fifo', 'sock', 'hardlink-out',
);
const builtPath = fc
  .tuple(fc.constantFrom('', '/', './', '../'), fc.array(piece, { maxLength: 6 }))
  .map(([prefix, pieces]) => prefix + pieces.join('/'));
const anyPath = fc.oneof(builtPath, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));

function isStrictlyInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && resolve(dir, rel) === path;
}

/** Independent of the guard: the real path of the deepest part of `path` that exists. */
async function realpathOfDeepestExisting(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      return await realpath(current);
    } catch {
      current = dirname(current);
    }
  }
}

const refusal = (error: unknown) => error instanceof InvalidArgumentError || error instanceof NotFoundError;

describe('path guard properties', () => {
  it('refuses a path or returns segments that stay below any directory', () => {
    fc.assert(
      fc.property(anyPath, (path) => {
        let segments: readonly string[];
        try {
          segments = checkRelativePath(path);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidPathError);
          return;
        }
        expect(segments.join('/')).toBe(path);
        expect(isStrictlyInside(resolve('/srv/web', ...segments), '/srv/web')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a path or resolves it strictly inside the real service directory', async () => {
    const fixture = await createFilesFixture();
    try {
      await fc.assert(
        fc.asyncProperty(anyPath, async (path) => {
          const guarded = await guardServicePath({ root: fixture.root, service: SERVICE, path }).catch((error: unknown) => {
            expect(refusal(error)).toBe(true);
            return undefined;
          });
          if (guarded === undefined) return;
          expect(isStrictlyInside(guarded.target, fixture.serviceDir)).toBe(true);
          const deepest = await realpathOfDeepestExisting(guarded.target);
          expect(deepest === fixture.serviceDir || isStrictlyInside(deepest, fixture.serviceDir)).toBe(true);
        }),
        { numRuns: 500 },
      );
    } finally {
      await fixture.cleanup();
    }
  });

  it('never writes outside the service directory, whatever the path', async () => {
    const fixture = await createFilesFixture();
    try {
      // Replacing this link is a legitimate write inside, yet it drops the outside file's link count.
      await unlink(join(fixture.serviceDir, 'hardlink-out'));
      const before = await snapshotTree(fixture.base);
      await fc.assert(
        fc.asyncProperty(anyPath, async (path) => {
          const data = Buffer.from(`written to ${JSON.stringify(path)}\n`);
          const written = await writeServiceFile({ root: fixture.root, service: SERVICE, path, data, maxBytes: 4096 }).catch(
            (error: unknown) => {
              expect(refusal(error)).toBe(true);
              return undefined;
            },
          );
          if (written === undefined) return;
          expect(isStrictlyInside(await realpath(written.target), fixture.serviceDir)).toBe(true);
        }),
        { numRuns: 300 },
      );
      const after = await snapshotTree(fixture.base);
      const outsideService = (tree: typeof before) =>
        [...tree].filter(([key]) => !key.startsWith(`srv/${SERVICE}/`) && key !== join('srv', SERVICE));
      expect(outsideService(after)).toEqual(outsideService(before));
    } finally {
      await fixture.cleanup();
    }
  });
});
