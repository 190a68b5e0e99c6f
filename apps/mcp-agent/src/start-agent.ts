// Builds a running agent from its config: podman, QEMU (when it works here), registry, tokens, handlers, the boot
// sequence, the gRPC server, the monitor, recover.
import { openDaemonSecurity, readPlainTokenFile } from '@mcp/auth';
import { createDnsDriver, loadDnsSettings } from '@mcp/dns';
import { openRegistry, type Registry } from '@mcp/registry';
import { createCapsInterceptor, createErrorInterceptor, createGrpcClientTransport, startGrpcServer, type RunningServer } from '@mcp/rpc';
import { McpAgentService, McpMasterService, type RuntimeInfo } from '@mcp/proto';
import { createClient } from '@connectrpc/connect';
import { createPodmanRuntime, createQemuRuntime, pingPodmanSocket, startPodmanService, type PodmanService, type Runtime } from '@mcp/runtime';
import { clientTlsOptions } from '@mcp/tls';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { arch } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { assembleAgentHandlers, type HandlerGroup } from './agent-handlers.js';
import { runBootSequence } from './boot-sequence.js';
import { classifyAgentError } from './classify-error.js';
import type { AgentConfig } from './config.js';
import type { AgentDeps, AgentLog } from './deps.js';
import { createAlertRunner } from './monitor/alert-runner.js';
import { Monitor } from './monitor/monitor.js';
import { measureNodeLoad } from './node-load.js';
import { createHostPortProbe } from './port-probe.js';
import { MasterRegistration, goArch } from './registration.js';
import { currentRuntimeInfos } from './runtime-infos.js';
import { createBackendResolver } from './backend-resolver.js';
import { startProxy, type RunningProxy } from './proxy-setup.js';
import { createProxySweepState, sweepProxy } from './proxy-sweep.js';

export interface StartAgentOptions {
  config: AgentConfig;
  log: AgentLog;
  version: string;
  /** The RPC groups this agent serves (main.ts passes all of them). */
  groups: readonly HandlerGroup[];
  /** Runs once in the background after the server is up (main.ts passes Recover). */
  afterStart?: (deps: AgentDeps) => Promise<void>;
  /** What this node reports it can run, for registration; default: its runtimes' probes (podman, qemu). */
  runtimes?: (deps: AgentDeps) => Promise<RuntimeInfo[]>;
  /** The environment the alert command inherits (main.ts passes the agent's own); default none. */
  environment?: Readonly<Record<string, string | undefined>>;
}

export interface RunningAgent {
  readonly deps: AgentDeps;
  readonly server: RunningServer;
  readonly capabilities: readonly string[];
  readonly monitor: Monitor;
  /** Stops serving and monitoring, closes the registry, stops the podman service the agent started. */
  close(): Promise<void>;
}

/** The part of a podman service the agent needs: stopping it when the agent stops. */
type OwnedPodman = Pick<PodmanService, 'stop'>;

/** Whether `pid` is alive and is a `podman system service` on `socketPath` (pids get reused). */
async function isPodmanServiceOn(pid: number, socketPath: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('system\0service') && cmdline.includes(socketPath);
}

/**
 * Uses the configured podman socket, or one already answering in the data dir, or starts one. The agent owns
 * the service in its data dir (its pid is kept beside the socket): one left by an agent that was killed is
 * taken over and stopped with this agent, so restarts never pile services up.
 */
async function podmanSocket(config: AgentConfig, log: AgentLog): Promise<{ socketPath: string; service?: OwnedPodman }> {
  if (config.podmanSocket !== undefined) return { socketPath: config.podmanSocket };
  const socketPath = join(config.dataDir, 'podman.sock');
  const pidPath = `${socketPath}.pid`;
  if (await pingPodmanSocket(socketPath)) {
    const pid = Number((await readFile(pidPath, 'utf8').catch(() => '')).trim());
    const owned = Number.isInteger(pid) && pid > 0 && (await isPodmanServiceOn(pid, socketPath));
    log.info({ socketPath, pid: owned ? pid : undefined }, 'reusing the podman service already answering in the data dir');
    if (!owned) return { socketPath };
    return {
      socketPath,
      service: {
        stop: async () => {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            // already gone
          }
          await rm(pidPath, { force: true });
        },
      },
    };
  }
  const service = await startPodmanService({ socketPath });
  await writeFile(pidPath, `${service.pid}\n`);
  log.info({ socketPath, pid: service.pid }, 'started podman system service');
  return {
    socketPath,
    service: {
      stop: async () => {
        await service.stop();
        await rm(pidPath, { force: true });
      },
    },
  };
}

/**
 * The QEMU runtime on `<data.dir>/qemu` when enabled and its probe says it works; otherwise none, with the reason
 * (logged, and reported in NodeStatus and registration). A node without VMs still runs containers.
 */
export async function vmRuntimeOf(config: Pick<AgentConfig, 'qemu'>, log: AgentLog): Promise<{ vmRuntime?: Runtime; vmUnavailableReason?: string }> {
  if (!config.qemu.enabled) {
    const reason = 'qemu.enabled is false in the agent config';
    log.info({ reason }, 'VMs are off on this node');
    return { vmUnavailableReason: reason };
  }
  await mkdir(config.qemu.stateDir, { recursive: true });
  const runtime = createQemuRuntime({ stateDir: config.qemu.stateDir, acceleration: config.qemu.acceleration });
  const probe = await runtime.probe();
  if (!probe.available) {
    const reason = `qemu is not usable here: ${probe.reason ?? 'its probe failed'}`;
    log.warn({ reason, acceleration: config.qemu.acceleration }, 'running without VMs');
    return { vmUnavailableReason: reason };
  }
  log.info({ version: probe.version, acceleration: probe.acceleration, stateDir: config.qemu.stateDir }, 'VMs run on QEMU');
  return { vmRuntime: runtime };
}

export async function startAgent(options: StartAgentOptions): Promise<RunningAgent> {
  const { config, log } = options;
  const { security, audit, tls } = await openDaemonSecurity({
    daemon: 'mcp-agent',
    node: config.node.name,
    dataDir: config.dataDir,
    databasePath: config.registryPath,
    tokenFile: config.tokenFile,
    mcias: config.mcias,
    tls: config.tls,
    auditFile: config.auditFile,
    log,
  });
  const podman = await podmanSocket(config, log);
  const runtime = createPodmanRuntime({ socketPath: podman.socketPath });
  let registry: Registry | undefined;
  let server: RunningServer | undefined;
  let registration: MasterRegistration | undefined;
  let monitor: Monitor | undefined;
  let proxy: RunningProxy | undefined;
  const close = async (): Promise<void> => {
    await registration?.stop();
    await monitor?.stop();
    await server?.close();
    await proxy?.close();
    registry?.close();
    runtime.close();
    await podman.service?.stop();
    await audit.close();
  };
  try {
    registry = openRegistry({
      path: config.registryPath,
      clock: { now: () => new Date() },
      isPortFree: createHostPortProbe({
        onLeakedRule: (port, rule) =>
          log.warn({ port, rule }, 'host port skipped: a forwarding rule podman left behind still claims it; delete it with iptables -t nat -D <rule>'),
      }),
      portRange: config.ports,
    });
    if (registry.migration.applied.length > 0) {
      log.info({ applied: registry.migration.applied }, 'registry migrated');
    }
    if (config.proxy !== undefined) proxy = await startProxy(config.proxy, log.child({ component: 'proxy' }), { now: () => new Date() });
    const deps: AgentDeps = {
      ...(proxy === undefined ? {} : { proxy: proxy.routing }),
      node: config.node,
      runtime,
      ...(await vmRuntimeOf(config, log)),
      registry,
      clock: { now: () => new Date() },
      log,
      files: { root: config.filesRoot, maxFileBytes: config.maxFileBytes },
      serviceData: config.snapshots,
      version: options.version,
      startedAt: new Date(),
      listenAddress: `${config.listen.host}:${config.listen.port}`,
      flapping: config.monitor.alerts.flapping,
      policy: config.policy,
      ...(config.dns === undefined ? {} : { dns: createDnsDriver(await loadDnsSettings(config.dns)) }),
      edge: {
        overlay: config.edge.overlayCidr,
        listenerPort: config.edge.listenerPort,
        resolve: createBackendResolver({ ...(config.edge.dnsServer === undefined ? {} : { server: config.edge.dnsServer }), timeoutMs: config.edge.resolveTimeoutMs }),
      },
    };
    const { impl, capabilities } = assembleAgentHandlers(deps, options.groups);
    if (config.bootStages.length > 0) await runBootSequence(deps, config.bootStages);
    server = await startGrpcServer({
      host: config.listen.host,
      port: config.listen.port,
      tls,
      routes: (router) => router.service(McpAgentService, impl),
      gate: security.gate,
      onRefusal: security.onRefusal,
      interceptors: [security.interceptor, createCapsInterceptor(), createErrorInterceptor({ classify: classifyAgentError, log })],
    });
    const servingDeps: AgentDeps = { ...deps, listenAddress: `${config.listen.host}:${server.port}` };
    const routing = proxy?.routing;
    const proxySweepState = createProxySweepState();
    monitor = new Monitor({
      deps: servingDeps,
      settings: config.monitor,
      alertRunner: createAlertRunner({ ...config.alerts, environment: options.environment ?? {} }),
      extraSweeps: routing === undefined ? [] : [() => sweepProxy(servingDeps, routing, proxySweepState)],
    });
    monitor.start();
    const running: RunningAgent = { deps: servingDeps, server, capabilities, monitor, close };
    if (config.master !== undefined) {
      registration = await startRegistration(config.master, config.tls, running.deps, options);
    }
    if (options.afterStart) {
      const task = options.afterStart(running.deps);
      task.catch((error: unknown) => log.error({ err: error }, 'start-up task failed'));
    }
    return running;
  } catch (error) {
    await close();
    throw error;
  }
}

/** host:port others reach the agent at: the node's address with the port actually served on. */
export function advertisedAddress(host: string, listenAddress: string): string {
  const port = listenAddress.slice(listenAddress.lastIndexOf(':') + 1);
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Registers with the master in the background (SPEC §4): backoff, then heartbeats. */
async function startRegistration(
  master: NonNullable<AgentConfig['master']>,
  own: AgentConfig['tls'],
  deps: AgentDeps,
  options: StartAgentOptions,
): Promise<MasterRegistration> {
  const token = await readPlainTokenFile(master.tokenPath, { what: "the agent's token file for the master", key: 'master.token_path' });
  // The agent's own certificate (agent-<node>) is its client certificate towards the master.
  const tls = await clientTlsOptions({ caPath: master.caPath, certPath: own.certPath, keyPath: own.keyPath });
  const client = createClient(McpMasterService, createGrpcClientTransport({ address: master.address, tls, token: () => token }));
  const registration = new MasterRegistration({
    master: client,
    node: { ...deps.node, address: advertisedAddress(deps.node.address, deps.listenAddress) },
    version: deps.version,
    arch: goArch(arch()),
    runtimes: () => options.runtimes?.(deps) ?? currentRuntimeInfos(deps),
    load: () => measureNodeLoad(deps),
    log: deps.log.child({ component: 'registration' }),
    sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
  });
  registration.start();
  return registration;
}
