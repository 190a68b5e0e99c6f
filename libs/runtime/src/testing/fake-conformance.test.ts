// The fake runtime passes the same conformance suite as the real backends.
import { randomBytes } from 'node:crypto';
import { runtimeConformanceSuite } from './conformance.js';
import type { ConformanceFixture, PrintOptions } from './conformance-fixture.js';
import { createFakeRuntime } from './fake-runtime.js';
import type { FakeOutputLine } from './fake-runtime.js';

const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;

runtimeConformanceSuite('fake runtime conformance', {
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  fixture(): ConformanceFixture {
    const runtime = createFakeRuntime();
    let programs = 0;
    const image = (behaviour: Parameters<typeof runtime.defineImage>[1]): string => {
      programs += 1;
      const reference = `localhost/fake-program-${programs}:1`;
      runtime.defineImage(reference, behaviour);
      return reference;
    };
    const print = (options: PrintOptions): { image: string; cmd: string[] } => {
      const pauseMs = options.pauseMs ?? 0;
      const output: FakeOutputLine[] = [
        ...(options.stdout ?? []).map((text) => ({ stream: 'stdout' as const, text })),
        ...(options.stderr ?? []).map((text) => ({ stream: 'stderr' as const, text })),
        ...(options.laterStdout ?? []).map((text) => ({ stream: 'stdout' as const, text, afterMs: pauseMs })),
      ];
      return { image: image({ output, exitAfterMs: pauseMs + 1, exitCode: options.exitCode ?? 0 }), cmd: ['print'] };
    };
    return {
      runtime,
      node: uniqueName('node'),
      uniqueName,
      programs: {
        serve: () => ({ image: image({}), cmd: ['serve'] }),
        print,
        failToStart: () => ({ image: image({ startError: 'exec: "/nonexistent": no such file or directory' }) }),
      },
      presentImage: image({}),
      missingImage: 'localhost/never-defined:1',
      killOutOfBand: async (name) => runtime.killOutOfBand(name),
      createUnlabelled: async (name) => runtime.addUnlabelled(name),
      dispose: () => Promise.resolve(),
    };
  },
});
