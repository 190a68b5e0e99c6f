// Public surface of @mcp/input-caps: caps on every list, map and string of a request or a definition, checked first.
export { listCapOf, stringCapOf, WIRE_CAPS, type InputCaps } from './caps.js';
export { findCapBreach, type CapBreach } from './message-caps.js';
