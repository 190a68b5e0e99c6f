// Test scaffolding of @mcp/proxy, shared with the agent's tests: real backends and an HTTPS client.
export { fetchThrough, startPlainBackend, startTlsBackend } from './backends.js';
export type { FetchResult, TestBackend } from './backends.js';
export { steadyClient } from './steady-client.js';
export type { SteadyClient } from './steady-client.js';
