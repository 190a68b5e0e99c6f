// The conformance suite every Runtime backend passes (Nomad's driver conformance): registers vitest tests.
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { ConformanceFixture, ConformanceHarness } from './conformance-fixture.js';
import { containerConformanceTests } from './conformance-containers.js';
import { eventConformanceTests } from './conformance-events.js';
import { logConformanceTests } from './conformance-logs.js';

export interface ConformanceOptions {
  /** When set, the suite is registered but skipped, and the reason shows in its title. */
  readonly skipReason?: string | undefined;
  /** Per-test timeout. Default 30000. */
  readonly testTimeoutMs?: number;
}

/**
 * Registers the conformance tests for one backend. Each test gets a fresh fixture (its own node label);
 * after each, every container of that node is force-removed and the fixture disposed, even on failure.
 */
export function runtimeConformanceSuite(
  title: string,
  harness: ConformanceHarness,
  options: ConformanceOptions = {},
): void {
  const skipped = options.skipReason !== undefined;
  const fullTitle = skipped ? `${title} (skipped: ${options.skipReason})` : title;
  describe.skipIf(skipped)(fullTitle, { timeout: options.testTimeoutMs ?? 30_000 }, () => {
    let current: ConformanceFixture | undefined;
    const fixture = (): ConformanceFixture => {
      if (current === undefined) throw new Error('conformance fixture used outside a test');
      return current;
    };

    beforeAll(() => harness.start(), 120_000);
    afterAll(() => harness.stop());
    beforeEach(() => {
      current = harness.fixture();
    });
    afterEach(async () => {
      const f = fixture();
      current = undefined;
      const leftovers = await f.runtime.list({ node: f.node });
      for (const container of leftovers) await f.runtime.remove(container.name, { force: true });
      await f.dispose();
    });

    describe('containers', () => containerConformanceTests(fixture));
    describe('logs', () => logConformanceTests(fixture));
    describe('events and images', () => eventConformanceTests(fixture));
  });
}
