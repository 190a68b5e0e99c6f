// Starts the real mcp-master process on loopback with a fleet's CA and token file, as an operator would.
import { writeMasterHome, type MasterHome, type MasterHomeOptions } from '@mcp/dev-fleet';
import { freeLoopbackPort } from '@mcp/testing';
import { join } from 'node:path';
import type { TestFleet } from './agent-process.js';
import { readLogLines, startDaemon, type DaemonProcess, type LogLine } from './daemon-process.js';
import { ensureBuilt } from './programs.js';

export interface MasterProcess extends Pick<DaemonProcess, 'pid' | 'logLines' | 'kill' | 'restart'> {
  /** The node the master runs on (its agent registers with role master). */
  readonly node: string;
  readonly address: string;
  readonly home: MasterHome;
  /** The records of its audit trail (its own file, `<data>/audit.log`). */
  auditLines(): Promise<LogLine[]>;
  /** SIGTERM (SIGKILL if it lingers); resolves when it has exited. */
  stop(): Promise<void>;
}

export interface MasterProcessOptions {
  /** The master's home is `<dir>/master`. */
  dir: string;
  node: string;
  credentials: TestFleet;
  allowNodes: readonly string[];
  health?: MasterHomeOptions['health'];
  rateLimits?: MasterHomeOptions['rateLimits'];
  /** `[dns]`: the master writes service records there. */
  dns?: { readonly link: NonNullable<MasterHomeOptions['dns']>; readonly repairIntervalMs?: number };
  mcias?: MasterHomeOptions['mcias'];
}

/** Starts the built mcp-master and waits until it logs `master ready`; its port stays the same across restarts. */
export async function startMasterProcess(options: MasterProcessOptions): Promise<MasterProcess> {
  await ensureBuilt('mcp-master');
  const home = await writeMasterHome({
    dir: join(options.dir, 'master'),
    node: options.node,
    host: '127.0.0.1',
    // A fixed port rather than 0: the agents' config names it, and it must survive a restart.
    port: await freeLoopbackPort(),
    authority: options.credentials.authority,
    tokenFile: options.credentials.tokenFile,
    masterToken: options.credentials.tokens.master,
    allowNodes: options.allowNodes,
    ...(options.health === undefined ? {} : { health: options.health }),
    ...(options.rateLimits === undefined ? {} : { rateLimits: options.rateLimits }),
    ...(options.dns === undefined ? {} : { dns: options.dns.link }),
    ...(options.dns?.repairIntervalMs === undefined ? {} : { dnsRepairIntervalMs: options.dns.repairIntervalMs }),
    ...(options.mcias === undefined ? {} : { mcias: options.mcias }),
    logLevel: 'debug',
  });
  const daemon = await startDaemon({
    app: 'mcp-master',
    configPath: home.configPath,
    logPath: join(home.dir, 'master.log'),
    readyMessage: 'master ready',
  });
  return {
    node: options.node,
    address: home.address,
    home,
    pid: daemon.pid,
    logLines: daemon.logLines,
    auditLines: () => readLogLines(join(home.dataDir, 'audit.log')),
    kill: daemon.kill,
    restart: daemon.restart,
    stop: () => daemon.stop(),
  };
}
