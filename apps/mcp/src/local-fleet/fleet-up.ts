// `mcp dev up`: lays a local fleet out (once), starts whichever of its daemons is not running — the master
// first, then the agents — and returns when every agent has registered and heartbeats (the master's ListNodes).
import { Code } from '@connectrpc/connect';
import { prepareDevFleet, type DevFleetDaemon, type DevFleetLayout } from '@mcp/dev-fleet';
import type { NodeInfo } from '@mcp/proto';
import { setTimeout as delay } from 'node:timers/promises';
import { loadCliConfig } from '../config.js';
import type { CommandContext } from '../context.js';
import { loadCredentials } from '../credentials.js';
import { CliError, exitCodes, MasterCallError, type ExitCode } from '../errors.js';
import { masterAt, type MasterConnection } from '../master-client.js';
import { nodesOfMaster } from '../master-directory.js';
import { locateDaemonPrograms, type DaemonPrograms } from './daemon-programs.js';
import { logTail, runningPid, startDaemon } from './daemon-process.js';
import { ensureDnsServer, type DnsServerReport } from './dns-server.js';
import { ensureAcme } from './fleet-acme.js';

export interface DevUpOptions {
  /** The fleet directory (absolute). */
  readonly dir: string;
  /** How long the daemons get to come up and register, in ms. */
  readonly timeoutMs: number;
  /** --workers: workers of a new fleet (worker, worker-2, …); undefined keeps the default (1) or the fleet's own. */
  readonly workers?: number;
}

type DaemonState = 'started' | 'already running';

interface DaemonReport {
  readonly daemon: DevFleetDaemon;
  readonly pid: number;
  readonly state: DaemonState;
}

const pollMs = 250;
/** Each ListNodes while waiting; the master answers it within its agent-call timeout. */
const listTimeoutMs = 15_000;

async function ensureRunning(daemon: DevFleetDaemon, programs: DaemonPrograms, env: CommandContext['daemonEnv']): Promise<DaemonReport> {
  const pid = await runningPid(daemon);
  if (pid !== undefined) return { daemon, pid, state: 'already running' };
  const program = daemon.program === 'mcp-master' ? programs.master : programs.agent;
  return { daemon, pid: await startDaemon(daemon, program, env), state: 'started' };
}

async function exitedDuringStart(daemon: DevFleetDaemon): Promise<CliError> {
  const tail = await logTail(daemon);
  const lines = tail.length === 0 ? '' : `; its last log lines:\n${tail.map((line) => `  ${line}`).join('\n')}`;
  return new CliError('failed', `${daemon.program} of node ${daemon.node} exited during start-up (log: ${daemon.logPath})${lines}`, exitCodes.failed);
}

async function checkAlive(daemons: readonly DevFleetDaemon[]): Promise<void> {
  for (const daemon of daemons) if ((await runningPid(daemon)) === undefined) throw await exitedDuringStart(daemon);
}

/** ListNodes, or undefined while the master is not answering yet; any other refusal is an error. */
async function listNodesOnce(master: MasterConnection): Promise<NodeInfo[] | undefined> {
  try {
    return await nodesOfMaster(master);
  } catch (error) {
    const code = error instanceof MasterCallError ? error.connectError.code : undefined;
    if (code === Code.Unavailable || code === Code.DeadlineExceeded) return undefined;
    throw error;
  }
}

function isUp(nodes: readonly NodeInfo[] | undefined, name: string): boolean {
  return nodes?.some((node) => node.name === name && node.status === 'healthy') ?? false;
}

async function waitForFleet(layout: DevFleetLayout, master: MasterConnection, deadline: number, running: readonly DevFleetDaemon[]): Promise<void> {
  const agents = layout.daemons.filter((daemon) => daemon.program === 'mcp-agent');
  let nodes: NodeInfo[] | undefined;
  for (;;) {
    await checkAlive(running);
    nodes = await listNodesOnce(master);
    if (agents.every((agent) => isUp(nodes, agent.node))) return;
    if (Date.now() >= deadline) break;
    await delay(pollMs);
  }
  const missing = agents
    .filter((agent) => !isUp(nodes, agent.node))
    .map((agent) => {
      const node = nodes?.find((entry) => entry.name === agent.node);
      const state = nodes === undefined ? 'the master did not answer' : node === undefined ? 'not registered' : `status ${node.status}${node.error === '' ? '' : `: ${node.error}`}`;
      return `  ${agent.node}: ${state} (log: ${agent.logPath})`;
    });
  const masterLog = layout.daemons.find((daemon) => daemon.program === 'mcp-master')?.logPath ?? '';
  throw new CliError(
    'failed',
    `the fleet in ${layout.dir} did not come up in time; these agents have not registered with the master (log: ${masterLog}):\n${missing.join('\n')}\n` +
      `the daemons keep running: mcp dev up --dir ${layout.dir} waits again, mcp dev down --dir ${layout.dir} stops them`,
    exitCodes.failed,
  );
}

/** Starts what is not running and waits for the agents; a fleet that is already up is reported as such (idempotent). */
export async function devUp(context: CommandContext, options: DevUpOptions): Promise<ExitCode> {
  const { output } = context;
  const programs = await locateDaemonPrograms();
  const { layout, created } = await prepareDevFleet({ dir: options.dir, ...(options.workers === undefined ? {} : { workers: options.workers }) });
  const workers = layout.manifest.nodes.filter((node) => node.role === 'worker').length;
  if (!created && options.workers !== undefined && options.workers !== workers) {
    throw new CliError(
      'usage',
      `the fleet in ${layout.dir} was laid out with ${workers} worker(s); --workers ${options.workers} applies only when a fleet is laid out: ` +
        `use another --dir, or mcp dev down and remove ${layout.dir} first`,
      exitCodes.badInput,
    );
  }
  if (created) output.progress(`laid out a new fleet in ${layout.dir}`);
  const config = await loadCliConfig({ flag: layout.cliConfigPath, env: {}, cwd: context.cwd, homedir: context.homedir });
  const master = masterAt(layout.masterAddress, await loadCredentials(config), listTimeoutMs);
  const deadline = Date.now() + options.timeoutMs;
  const [masterDaemon, ...agentDaemons] = layout.daemons;
  if (masterDaemon === undefined) throw new Error(`the fleet in ${layout.dir} has no master daemon`);

  // The master writes the service records: its DNS server answers before it starts.
  const dns = layout.dnsServer === undefined ? undefined : await ensureDnsServer(layout.dnsServer, Math.max(1000, deadline - Date.now()));
  const reports: DaemonReport[] = [await ensureRunning(masterDaemon, programs, context.daemonEnv)];
  // Agents that find no master back off (1 s doubling); starting them once it answers saves that wait.
  for (;;) {
    await checkAlive([masterDaemon]);
    if ((await listNodesOnce(master)) !== undefined) break;
    if (Date.now() >= deadline) {
      throw new CliError('failed', `mcp-master did not answer at ${layout.masterAddress} in time (log: ${masterDaemon.logPath})`, exitCodes.failed);
    }
    await delay(pollMs);
  }
  // The agents read the CA's listener certificate and root at start: the CA runs first.
  if (layout.acme !== undefined) {
    const acme = await ensureAcme(layout.acme);
    output.progress(`ACME CA (pebble, EAB required) ${acme.state} at ${layout.acme.directoryUrl}; its root is ${layout.acme.rootPath}`);
  }
  for (const daemon of agentDaemons) reports.push(await ensureRunning(daemon, programs, context.daemonEnv));
  const alreadyUp = reports.every((report) => report.state === 'already running') && dns?.state !== 'started';
  output.progress(
    alreadyUp
      ? `the fleet in ${layout.dir} is already running`
      : `waiting for ${agentDaemons.map((daemon) => daemon.node).join(', ')} to register with the master at ${layout.masterAddress}…`,
  );
  await waitForFleet(layout, master, deadline, layout.daemons);
  printUp(context, layout, reports, { created, alreadyUp }, dns);
  return exitCodes.ok;
}

function printUp(
  context: CommandContext,
  layout: DevFleetLayout,
  reports: readonly DaemonReport[],
  flags: { created: boolean; alreadyUp: boolean },
  dns: DnsServerReport | undefined,
): void {
  const { output } = context;
  if (output.json) {
    output.document({
      dir: layout.dir,
      config: layout.cliConfigPath,
      master: layout.masterAddress,
      created: flags.created,
      alreadyRunning: flags.alreadyUp,
      daemons: reports.map(({ daemon, pid, state }) => ({
        program: daemon.program,
        node: daemon.node,
        role: daemon.role,
        address: daemon.address,
        pid,
        state,
        log: daemon.logPath,
      })),
      dns:
        dns === undefined
          ? null
          : { zone: dns.server.zone, address: `${dns.server.address}:${dns.server.dnsPort}`, api: dns.server.apiUrl, pid: dns.pid, state: dns.state, log: dns.server.logPath },
    });
    return;
  }
  output.line(flags.alreadyUp ? `fleet in ${layout.dir}: already running` : `fleet in ${layout.dir}: up`);
  output.table(
    ['PROGRAM', 'NODE', 'ROLE', 'ADDRESS', 'PID', 'STATE', 'LOG'],
    reports.map(({ daemon, pid, state }) => [daemon.program, daemon.node, daemon.role, daemon.address, String(pid), state, daemon.logPath]),
  );
  output.line(`every agent has registered with the master at ${layout.masterAddress}`);
  if (dns !== undefined) {
    const { server } = dns;
    output.line(`DNS for ${server.zone}: PowerDNS at ${server.address}:${server.dnsPort} (pid ${dns.pid}, ${dns.state}; dig @${server.address} -p ${server.dnsPort} <service>.${server.zone})`);
  } else {
    output.line(`no DNS server: this fleet was laid out before dev fleets had one (lay a new one out for ${'svc.mcp.test'})`);
  }
  output.line(`drive it with: export MCP_CONFIG=${layout.cliConfigPath}   (services: ${layout.servicesDir})`);
  output.line(`stop it with:  mcp dev down --dir ${layout.dir}`);
}
