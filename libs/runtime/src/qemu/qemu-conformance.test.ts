// The QEMU backend passes the runtime conformance suite's lifecycle, listing, event and image tests with real VMs.
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { ConformanceFixture } from '../testing/index.js';
import { containerConformanceTests } from '../testing/conformance-containers.js';
import { eventConformanceTests } from '../testing/conformance-events.js';
import { qemuConformanceHarness, qemuSkipReason, removeNodeVms } from './qemu-harness.js';

// The suite's log tests are left out: a VM has one serial console, so nothing tells stderr from stdout
// (qemu-logs.test.ts covers a VM's logs). Everything else applies unchanged.
const skip = await qemuSkipReason();
const harness = qemuConformanceHarness();

describe.skipIf(skip !== undefined)(`qemu runtime conformance${skip === undefined ? '' : ` (skipped: ${skip})`}`, { timeout: 60_000 }, () => {
  let current: ConformanceFixture | undefined;
  const fixture = (): ConformanceFixture => {
    if (current === undefined) throw new Error('conformance fixture used outside a test');
    return current;
  };
  beforeAll(() => harness.start(), 600_000);
  afterAll(() => harness.stop(), 60_000);
  beforeEach(() => {
    current = harness.fixture();
  });
  afterEach(async () => {
    const f = fixture();
    current = undefined;
    await removeNodeVms(f.runtime, f.node);
    await f.dispose();
  }, 60_000);

  describe('containers', () => containerConformanceTests(fixture));
  describe('events and images', () => eventConformanceTests(fixture));
});
