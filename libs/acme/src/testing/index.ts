// Test scaffolding of @mcp/acme, shared with the agent's tests, benchmarks and the dev fleet: a real Pebble.
export { startPebble } from './pebble.js';
export type { Pebble, PebbleOptions } from './pebble.js';
