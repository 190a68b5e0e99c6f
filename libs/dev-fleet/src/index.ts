// Public surface of @mcp/dev-fleet: files for a local fleet on loopback (mcp dev up, end-to-end tests).
export { writeAgentHome } from './agent-home.js';
export type { AgentHome, AgentHomeOptions } from './agent-home.js';
export { mintFleetTokens, writeTokenForClient } from './fleet-tokens.js';
export type { FleetTokens } from './fleet-tokens.js';
export { writeMasterHome } from './master-home.js';
export type { MasterHome, MasterHomeOptions } from './master-home.js';
