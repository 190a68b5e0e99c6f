// Test builders of @mcp/runtime: the conformance suite every backend passes, and a fake runtime scripted by data.
export { runtimeConformanceSuite } from './conformance.js';
export type { ConformanceOptions } from './conformance.js';
export { readAll, readUntil, waitForState } from './conformance-fixture.js';
export type {
  ConformanceFixture,
  ConformanceHarness,
  ConformancePrograms,
  PrintOptions,
  Program,
} from './conformance-fixture.js';
export { createFakeRuntime } from './fake-runtime.js';
export type { FakeBehaviour, FakeOutputLine, FakeRuntime, FakeRuntimeOptions } from './fake-runtime.js';
