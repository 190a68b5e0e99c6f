// `mcp dev down`: stops every daemon of a dev fleet (SIGTERM, then SIGKILL after the grace period) and keeps its
// data: registries, master.db, certificates, tokens, services and logs stay for the next `mcp dev up`.
import { readDevFleet } from '@mcp/dev-fleet';
import type { CommandContext } from '../context.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { stopDaemon, type BackgroundProcess, type StopResult } from './daemon-process.js';
import { stopAcme } from './fleet-acme.js';

export interface DevDownOptions {
  /** The fleet directory (absolute). */
  readonly dir: string;
  /** How long each daemon gets to stop after SIGTERM, in ms. */
  readonly graceMs: number;
}

/** All daemons are signalled at once; each is reported stopped, killed (after the grace period) or not running. */
export async function devDown(context: CommandContext, options: DevDownOptions): Promise<ExitCode> {
  const layout = await readDevFleet(options.dir);
  if (layout === undefined) {
    throw new CliError('not_found', `no dev fleet in ${options.dir} (no fleet.json); expected a directory mcp dev up made`, exitCodes.badInput);
  }
  // Agents stop their HAProxy with them (proxy.stop_with_agent in a dev fleet); PowerDNS and the ACME CA go after them.
  const stopped: { daemon: BackgroundProcess; pid: number | undefined; result: StopResult }[] = await Promise.all(layout.daemons.map(async (daemon) => ({ daemon, ...(await stopDaemon(daemon, options.graceMs)) })));
  // After the master, which writes to it.
  if (layout.dnsServer !== undefined) stopped.push({ daemon: layout.dnsServer, ...(await stopDaemon(layout.dnsServer, options.graceMs)) });
  const acmePids = layout.acme === undefined ? [] : await stopAcme(layout.acme);
  const { output } = context;
  if (output.json) {
    output.document({
      dir: layout.dir,
      daemons: stopped.map(({ daemon, pid, result }) => ({ program: daemon.program, node: daemon.node, pid: pid ?? null, result })),
      acme: { stopped: acmePids },
    });
  } else {
    output.table(
      ['PROGRAM', 'NODE', 'PID', 'RESULT'],
      stopped.map(({ daemon, pid, result }) => [daemon.program, daemon.node, pid === undefined ? '-' : String(pid), result]),
    );
    if (layout.acme !== undefined) output.line(acmePids.length === 0 ? 'ACME CA (pebble): not running' : `ACME CA (pebble): stopped (${acmePids.join(', ')})`);
    output.line(`data kept in ${layout.dir}; mcp dev up --dir ${layout.dir} starts the fleet again`);
    output.line('the services\' containers keep running, as workloads outlive their agents (mcp undeploy before dev down removes them)');
  }
  return exitCodes.ok;
}
