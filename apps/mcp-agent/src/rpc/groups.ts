// Every RPC group this agent serves, and the start-up task; main.ts wires them in.
import type { HandlerGroup } from '../agent-handlers.js';
import { dataRpcs } from './data-rpcs.js';
import { deployRpcs } from './deploy-rpcs.js';
import { dnsRpcs } from './dns-rpcs.js';
import { edgeRpcs } from './edge-rpcs.js';
import { fileRpcs } from './file-rpcs.js';
import { nodeRpcs } from './node-rpcs.js';
import { proxyRpcs } from './proxy-rpcs.js';
import { registryRpcs } from './registry-rpcs.js';

export const agentRpcGroups: readonly HandlerGroup[] = [deployRpcs, registryRpcs, fileRpcs, nodeRpcs, dnsRpcs, dataRpcs, proxyRpcs, edgeRpcs];

export { recoverAtStartup } from '../recover.js';
