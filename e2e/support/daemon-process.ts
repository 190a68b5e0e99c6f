// Runs one built daemon (mcp-agent, mcp-master) as a child process, its JSON log in a file, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { binOf, type App } from './programs.js';

export type LogLine = Record<string, unknown>;

/** Every complete JSON line of a log file; a line still being written is left for the next read. */
export async function readLogLines(path: string): Promise<LogLine[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines: LogLine[] = [];
  for (const line of complete.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // Not a log record (a stray line of output that happens to start with a brace).
    }
  }
  return lines;
}

export interface DaemonProcess {
  readonly logPath: string;
  /** The pid of the current run; undefined before the first. */
  pid(): number | undefined;
  /** Whether the current run is still alive. */
  running(): boolean;
  logLines(): Promise<LogLine[]>;
  /** Sends a signal; resolves when the process has exited (at once when it is not running). */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL when it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Starts it again with the same config; resolves once it logged its ready line. */
  restart(): Promise<void>;
}

export interface DaemonOptions {
  readonly app: App;
  readonly configPath: string;
  /** Appended to across restarts; each line carries the pid of its run. */
  readonly logPath: string;
  /** The `msg` of the line the daemon logs (with its pid) once it serves. */
  readonly readyMessage: string;
  readonly readyTimeoutMs?: number;
}

/** Starts the daemon and waits for its ready line; a daemon that exits first fails with its output. */
export async function startDaemon(options: DaemonOptions): Promise<DaemonProcess> {
  const { app, logPath } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const isRunning = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;

  const launch = async (): Promise<void> => {
    if (isRunning()) throw new Error(`${app} is already running (pid ${String(child?.pid)})`);
    const out = createWriteStream(logPath, { flags: 'a' });
    const proc = spawn(process.execPath, [binOf(app), '--config', options.configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env },
    });
    proc.stdout.pipe(out);
    proc.stderr.pipe(out);
    child = proc;
    exited = new Promise((resolve) => proc.on('exit', () => resolve()));
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const lines = await readLogLines(logPath);
      if (lines.some((line) => line['msg'] === options.readyMessage && line['pid'] === proc.pid)) return;
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`${app} exited before it was ready:\n${await readFile(logPath, 'utf8').catch(() => '')}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${app} not ready within ${readyTimeoutMs} ms:\n${await readFile(logPath, 'utf8').catch(() => '')}`);
      }
      await delay(50);
    }
  };

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (!isRunning()) return;
    child?.kill(signal);
    await exited;
  };

  const stop = async (graceMs = 15_000): Promise<void> => {
    if (!isRunning()) return;
    child?.kill('SIGTERM');
    const grace = new AbortController();
    const late = delay(graceMs, 'late' as const, { signal: grace.signal }).catch(() => 'exited' as const);
    const outcome = await Promise.race([exited.then(() => 'exited' as const), late]);
    grace.abort();
    if (outcome === 'late') await kill('SIGKILL');
  };

  try {
    await launch();
  } catch (error) {
    await kill('SIGKILL');
    throw error;
  }
  return {
    logPath,
    pid: () => child?.pid,
    running: isRunning,
    logLines: () => readLogLines(logPath),
    kill,
    stop,
    restart: async () => {
      try {
        await launch();
      } catch (error) {
        await kill('SIGKILL');
        throw error;
      }
    },
  };
}
