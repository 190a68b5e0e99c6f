// Runs a daemon (a built mcp-master or mcp-agent) as a child process whose pino log goes straight to a file, and
// waits for its ready line: the caller's own process stays free of the daemon's output (a benchmark measures there).
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

const POLL_MS = 50;

export interface DaemonProcessOptions {
  /** Arguments to this Node binary (`process.execPath`): the program, then its flags. */
  readonly args: readonly string[];
  /** The child's stdout and stderr, appended to. */
  readonly logPath: string;
  /** The `msg` of the JSON line the daemon logs, with its `pid`, once it serves. */
  readonly readyMessage: string;
  /** The child's environment; default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly readyTimeoutMs?: number;
}

export interface DaemonProcess {
  readonly pid: number;
  readonly logPath: string;
  running(): boolean;
  /** SIGTERM, then SIGKILL when it has not exited within `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

async function hasReadyLine(logPath: string, message: string, pid: number): Promise<boolean> {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  return text.split('\n').some((line) => {
    if (!line.startsWith('{') || !line.endsWith('}')) return false;
    try {
      const record = JSON.parse(line) as Record<string, unknown>;
      return record['msg'] === message && record['pid'] === pid;
    } catch {
      // A line that only looks like JSON (stray output) is not the ready line.
      return false;
    }
  });
}

/** Starts the daemon and waits for its ready line; one that exits first, or is not ready in time, fails with its log. */
export async function startDaemonProcess(options: DaemonProcessOptions): Promise<DaemonProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const log = await open(options.logPath, 'a');
  const child = spawn(process.execPath, [...options.args], { stdio: ['ignore', log.fd, log.fd], env: options.env ?? process.env });
  await log.close();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (graceMs = 15_000): Promise<void> => {
    if (!running()) return;
    child.kill('SIGTERM');
    const grace = new AbortController();
    const late = delay(graceMs, true, { signal: grace.signal }).catch(() => false);
    const lingering = await Promise.race([exited.then(() => false), late]);
    grace.abort();
    if (lingering && running()) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const pid = child.pid;
  // Without a pid the spawn itself failed (and 'exit' never comes): there is nothing to stop.
  if (pid === undefined) throw new Error(`${process.execPath} ${options.args.join(' ')} could not be started`);
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await hasReadyLine(options.logPath, options.readyMessage, pid))) {
    if (!running() || Date.now() > deadline) {
      const why = running() ? `not ready within ${readyTimeoutMs} ms` : 'exited before it was ready';
      await stop(1000);
      throw new Error(`${options.args[0] ?? 'the daemon'} ${why}:\n${await readFile(options.logPath, 'utf8').catch(() => '')}`);
    }
    await delay(POLL_MS);
  }
  return { pid, logPath: options.logPath, running, stop };
}
