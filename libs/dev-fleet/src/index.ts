// Public surface of @mcp/dev-fleet: files for a local fleet on loopback (mcp dev up, end-to-end tests).
export { writeAgentHome } from './agent-home.js';
export type { AgentEdgeNodeOptions, AgentEdgeOptions, AgentHome, AgentHomeOptions, AgentMasterLink } from './agent-home.js';
export { writeCliConfig } from './cli-config.js';
export type { CliConfigOptions } from './cli-config.js';
export { DEV_FLEET_PUBLIC_ZONE, DEV_FLEET_ZONE, dnsLinkOf, dnsSectionLines, dnsServerOf } from './dns-server.js';
export type { DevFleetDnsServer, DnsLink } from './dns-server.js';
export { DevFleetError } from './errors.js';
export { DEV_FLEET_EDGE_PORT, DEV_FLEET_NODES, devFleetNodes, freeLoopbackBlock, layoutOf, prepareDevFleet, readDevFleet } from './fleet-layout.js';
export type { DevFleetAcme, DevFleetDaemon, DevFleetLayout, PrepareDevFleetOptions } from './fleet-layout.js';
export { formatManifest, parseManifest } from './fleet-manifest.js';
export type { FleetManifest, ManifestAcme, ManifestNode, NodeRole } from './fleet-manifest.js';
export { mintFleetTokens, writeTokenForClient } from './fleet-tokens.js';
export type { FleetTokens } from './fleet-tokens.js';
export { writeMasterHome } from './master-home.js';
export type { MasterHome, MasterHomeOptions } from './master-home.js';
