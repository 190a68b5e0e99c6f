// The podman backend passes the runtime conformance suite against the real podman.
import { runtimeConformanceSuite } from '../testing/index.js';
import { podmanConformanceHarness, podmanSkipReason } from './podman-harness.js';

runtimeConformanceSuite('podman runtime conformance', podmanConformanceHarness(), {
  skipReason: await podmanSkipReason(),
});
