// Builds a running master from its config: store, tokens, agent clients, handlers, the gRPC server, health monitor.
import { openDaemonSecurity } from '@mcp/auth';
import { createDnsDriver, loadDnsSettings } from '@mcp/dns';
import { McpMasterService } from '@mcp/proto';
import { startGrpcServer, type RunningServer } from '@mcp/rpc';
import { performance } from 'node:perf_hooks';
import { loadAgentClients } from './agent-clients.js';
import { recordBootstrapNodes } from './bootstrap-nodes.js';
import type { MasterConfig } from './config.js';
import type { AgentClients, MasterDeps, MasterLog } from './deps.js';
import { HealthMonitor, systemTimer, type IntervalTimer } from './health-monitor.js';
import { assembleMasterHandlers, type HandlerGroup } from './master-handlers.js';
import { masterInterceptors } from './master-interceptors.js';
import { DnsRepair } from './dns-repair.js';
import { deferredRpcs } from './rpc/deferred-rpcs.js';
import type { ServiceDns } from './service-dns.js';
import { startSnapshotSchedule } from './snapshots/snapshot-schedule.js';
import type { SnapshotSettings } from './snapshots/take-snapshot.js';
import { openMasterStore, type OpenedMasterStore } from './store/open-master-store.js';

export interface StartMasterOptions {
  config: MasterConfig;
  log: MasterLog;
  version: string;
  /** The RPC groups this master serves (main.ts passes the node and fleet groups). */
  groups: readonly HandlerGroup[];
  /** Runs once in the background after the server is up (start-up reconciliation). */
  afterStart?: (deps: MasterDeps) => Promise<void>;
  /** The health monitor's schedule; tests pass one they fire themselves. */
  timer?: IntervalTimer;
  /** The snapshot schedule: a round every intervalMs (0: none), on `timer` too. */
  snapshots?: { settings: SnapshotSettings; intervalMs: number };
}

export interface RunningMaster {
  readonly deps: MasterDeps;
  readonly server: RunningServer;
  /** host:port it serves on (the real port when the config asked for 0). */
  readonly address: string;
  readonly implemented: readonly string[];
  readonly monitor: HealthMonitor;
  /** The DNS repair loop, when [dns] is configured. */
  readonly dnsRepair: DnsRepair | undefined;
  /** The audit trail's file. */
  readonly auditFile: string;
  /** Stops the monitor, the server, the agent clients, then closes the store. */
  close(): Promise<void>;
}

export async function startMaster(options: StartMasterOptions): Promise<RunningMaster> {
  const { config, log } = options;
  const { security, audit, tls } = await openDaemonSecurity({
    daemon: 'mcp-master',
    node: config.node.name,
    dataDir: config.dataDir,
    databasePath: config.databasePath,
    tokenFile: config.tokenFile,
    mcias: config.mcias,
    tls: config.tls,
    auditFile: config.auditFile,
    log,
  });
  const clock = { now: () => new Date() };
  let agents: AgentClients | undefined;
  let store: OpenedMasterStore | undefined;
  let server: RunningServer | undefined;
  let monitor: HealthMonitor | undefined;
  let dnsRepair: DnsRepair | undefined;
  let schedule: { stop(): Promise<void> } | undefined;
  const close = async (): Promise<void> => {
    await schedule?.stop();
    await monitor?.stop();
    await dnsRepair?.stop();
    await server?.close();
    agents?.close();
    store?.close();
    await audit.close();
  };
  try {
    store = openMasterStore({ path: config.databasePath, clock });
    const opened = store;
    agents = await loadAgentClients({
      caPath: config.agents.caPath,
      tokenPath: config.agents.tokenPath,
      timeoutMs: config.agents.callTimeoutMs,
      // The master's own certificate (mcp-master) is its client certificate towards agents.
      clientCertificate: { certPath: config.tls.certPath, keyPath: config.tls.keyPath },
      nodeAt: (address) => opened.listNodes().find((node) => node.address === address)?.name,
    });
    if (store.migration.applied.length > 0) log.info({ applied: store.migration.applied, path: store.path }, 'master database migrated');
    recordBootstrapNodes(store, config.bootstrapNodes, log);
    const dns: ServiceDns | undefined =
      config.dns === undefined ? undefined : { driver: createDnsDriver(await loadDnsSettings(config.dns)), ttlSeconds: config.dns.ttlSeconds };
    const deps: MasterDeps = {
      store,
      agents,
      clock,
      log,
      agentTimeoutMs: config.agents.callTimeoutMs,
      version: options.version,
      ...(dns === undefined ? {} : { dns }),
    };
    const { impl, implemented } = assembleMasterHandlers(deps, options.groups, deferredRpcs);
    server = await startGrpcServer({
      host: config.listen.host,
      port: config.listen.port,
      tls,
      routes: (router) => router.service(McpMasterService, impl),
      gate: security.gate,
      onRefusal: security.onRefusal,
      interceptors: masterInterceptors({
        audited: security.interceptor,
        log,
        rateLimits: config.rateLimits,
        clocks: { monotonicMs: () => performance.now() },
      }),
    });
    monitor = new HealthMonitor({
      store,
      agents,
      log,
      clock,
      timer: options.timer ?? systemTimer,
      unhealthyAfterMs: config.health.unhealthyAfterMs,
      probeTimeoutMs: config.health.probeTimeoutMs,
      checkPeriodMs: config.health.checkPeriodMs,
    });
    monitor.start();
    if (dns !== undefined && config.dns !== undefined) {
      dnsRepair = new DnsRepair({ dns, store, log, timer: options.timer ?? systemTimer, periodMs: config.dns.repairIntervalMs });
      dnsRepair.start();
      log.info({ driver: config.dns.kind, zone: config.dns.zone, apiUrl: config.dns.apiUrl, ttlSeconds: config.dns.ttlSeconds }, 'the master keeps the service records of the internal zone');
    } else {
      log.info({}, 'no [dns] configured: the master keeps no service records (deploy reports dns as skipped)');
    }
    const snapshots = options.snapshots;
    if (snapshots !== undefined && snapshots.intervalMs > 0) {
      schedule = startSnapshotSchedule(deps, snapshots.settings, { intervalMs: snapshots.intervalMs, timer: options.timer ?? systemTimer });
    }
    log.info({ allowNodes: config.registration.allowNodes, maxNodes: config.registration.maxNodes }, 'registration open to the allow-listed nodes');
    const running: RunningMaster = { deps, server, address: `${config.listen.host}:${server.port}`, implemented, monitor, dnsRepair, auditFile: audit.path, close };
    if (options.afterStart) {
      options.afterStart(deps).catch((error: unknown) => log.error({ err: error }, 'start-up task failed'));
    }
    return running;
  } catch (error) {
    await close();
    throw error;
  }
}
