// mcp-master: reads its config, serves the fleet, reconciles once, watches node health, stops cleanly on SIGTERM/SIGINT.
import { configPathFromArgs } from '@mcp/config';
import { pino } from 'pino';
import { configPathFromEnvironment, loadMasterConfig, processEnvironment } from './config.js';
import { reconcileFleet } from './reconcile.js';
import { dnsRpcs } from './rpc/dns-rpcs.js';
import { edgeRpcs } from './rpc/edge-rpcs.js';
import { createFleetRpcs } from './rpc/fleet-rpcs.js';
import { createNodeRpcs } from './rpc/node-rpcs.js';
import { createSnapshotRpcs } from './rpc/snapshot-rpcs.js';
import { startMaster } from './start-master.js';
import { masterVersion } from './version.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--version')) {
    console.log(masterVersion);
    return;
  }
  if (argv.includes('--help')) {
    console.log('usage: mcp-master [--config FILE]   (default: $MCP_MASTER_CONFIG, else /etc/mcp/master.toml)');
    return;
  }
  const env = processEnvironment();
  const config = await loadMasterConfig({ path: configPathFromArgs(argv, () => configPathFromEnvironment(env)), env });
  const log = pino({ level: config.logLevel, base: { pid: process.pid, node: config.node.name } });
  for (const warning of config.warnings) log.warn({ file: config.file }, warning);
  const nodeRpcs = createNodeRpcs({
    masterNode: config.node.name,
    allowNodes: config.registration.allowNodes,
    maxNodes: config.registration.maxNodes,
    heartbeatIntervalMs: config.health.heartbeatIntervalMs,
  });
  const fleetRpcs = createFleetRpcs({
    allowedPublicDomains: config.edge.allowedDomains,
    agentOperationTimeoutMs: config.agents.operationTimeoutMs,
    policy: config.policy,
    allowTcgVms: config.placement.allowTcgVms,
  });
  const snapshotSettings = {
    dir: config.snapshots.dir,
    retention: config.snapshots.retention,
    transferTimeoutMs: config.agents.operationTimeoutMs,
  };
  const master = await startMaster({
    config,
    log,
    version: masterVersion,
    groups: [nodeRpcs, fleetRpcs, dnsRpcs, edgeRpcs, createSnapshotRpcs(snapshotSettings)],
    snapshots: { settings: snapshotSettings, intervalMs: config.snapshots.intervalMs },
    // Reports stale placements, orphans, …; changes nothing (SPEC §6).
    afterStart: async (deps) => void (await reconcileFleet(deps)),
  });
  log.info({ address: master.address, version: masterVersion, rpcs: master.implemented.length }, 'master ready');
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'master stopping');
    master.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'master did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`mcp-master: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
