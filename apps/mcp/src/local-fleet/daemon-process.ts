// The background processes of a dev fleet: started detached with their log and a pid file, recognised by their
// command line (a reused pid is never mistaken for them), stopped with SIGTERM and, after a grace period, SIGKILL.
import type { DevFleetDaemon } from '@mcp/dev-fleet';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/** What finding and stopping a background process needs: the fleet's daemons, and its DNS server too. */
export type BackgroundProcess = Pick<DevFleetDaemon, 'pidPath' | 'configPath'> & { readonly program: string; readonly node: string };

/** How often a stopping process is looked at. */
const pollMs = 100;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is not ours to signal; it is alive all the same.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

async function commandLineOf(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return text?.split('\0').join(' ');
}

/** The pid of the daemon when its pid file names a live process started with its config file; else undefined. */
export async function runningPid(daemon: Pick<BackgroundProcess, 'pidPath' | 'configPath'>): Promise<number | undefined> {
  const text = await readFile(daemon.pidPath, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const commandLine = await commandLineOf(pid);
  // Without /proc there is no telling; a live pid from our own pid file is then taken as the daemon.
  if (commandLine === undefined) return pid;
  return commandLine.includes(daemon.configPath) ? pid : undefined;
}

/** Starts `node <program> --config <config>` detached (its own process group), appending to its log; returns its pid. */
export async function startDaemon(daemon: DevFleetDaemon, program: string, env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const log = await open(daemon.logPath, 'a');
  try {
    const child = spawn(process.execPath, [program, '--config', daemon.configPath], {
      cwd: daemon.workDir,
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: { ...env },
    });
    await once(child, 'spawn');
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${daemon.program} of node ${daemon.node} started without a pid`);
    await writeFile(daemon.pidPath, `${pid}\n`);
    return pid;
  } finally {
    await log.close();
  }
}

export type StopResult = 'stopped' | 'killed' | 'not running';

async function goneWithin(daemon: BackgroundProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await runningPid(daemon)) === undefined) return true;
    if (Date.now() >= deadline) return false;
    await delay(pollMs);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ESRCH')) throw error;
  }
}

/**
 * SIGTERM (daemons stop cleanly on it: the agent also stops the podman service it started), then after
 * `graceMs` SIGKILL to the whole process group. The pid file goes either way.
 */
export async function stopDaemon(daemon: BackgroundProcess, graceMs: number): Promise<{ pid: number | undefined; result: StopResult }> {
  const pid = await runningPid(daemon);
  let result: StopResult = 'not running';
  if (pid !== undefined) {
    signal(pid, 'SIGTERM');
    result = 'stopped';
    if (!(await goneWithin(daemon, graceMs))) {
      signal(-pid, 'SIGKILL');
      signal(pid, 'SIGKILL');
      result = 'killed';
      if (!(await goneWithin(daemon, 5_000))) throw new Error(`${daemon.program} of node ${daemon.node} (pid ${pid}) survived SIGKILL`);
    }
  }
  await rm(daemon.pidPath, { force: true });
  return { pid, result };
}

/** The last `count` lines of a daemon's log, for a message about why it did not come up. */
export async function logTail(daemon: Pick<DevFleetDaemon, 'logPath'>, count = 5): Promise<string[]> {
  const text = await readFile(daemon.logPath, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '').slice(-count);
}
