// Runs HAProxy in master-worker mode as a detached child (it outlives an agent restart, as containers do), finds
// a running one again by its master socket, reloads it seamlessly, and stops it by pid.
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ProxyError } from '../errors.js';
import type { HaproxyLayout } from './config.js';
import { socketCommand } from './socket.js';

const execFileAsync = promisify(execFile);
const POLL_MS = 25;

export interface HaproxyProcessInfo {
  readonly masterPid: number;
  readonly workerPid: number;
  /** Reloads since the master started. */
  readonly reloads: number;
}

/** Parses the master socket's `show proc`; undefined when no worker is listed yet. */
export function parseShowProc(answer: string): HaproxyProcessInfo | undefined {
  let masterPid: number | undefined;
  let reloads = 0;
  let workerPid: number | undefined;
  for (const line of answer.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === 'master') {
      masterPid = Number(fields[0]);
      reloads = Number(fields[2]);
    } else if (fields[1] === 'worker' && workerPid === undefined) {
      workerPid = Number(fields[0]);
    }
  }
  if (masterPid === undefined || workerPid === undefined) return undefined;
  return { masterPid, workerPid, reloads };
}

export async function processInfo(layout: HaproxyLayout): Promise<HaproxyProcessInfo | undefined> {
  try {
    return parseShowProc(await socketCommand(layout.masterSocket, 'show proc'));
  } catch {
    // No master socket answering is the answer "not running".
    return undefined;
  }
}

/** `haproxy -c`: a config HAProxy would refuse never reaches a running proxy. */
export async function checkConfig(binary: string, configPath: string): Promise<void> {
  try {
    await execFileAsync(binary, ['-c', '-q', '-f', configPath]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new ProxyError('config', 'haproxy', `HAProxy refuses ${configPath}: ${stderr || (error as Error).message}`, { cause: error });
  }
}

async function adminAnswers(layout: HaproxyLayout): Promise<boolean> {
  try {
    return (await socketCommand(layout.adminSocket, 'show info')).includes('Pid:');
  } catch {
    // Not up yet.
    return false;
  }
}

/** Waits until a worker other than `previousWorker` serves the admin socket. */
export async function waitForWorker(layout: HaproxyLayout, timeoutMs: number, previousWorker?: number): Promise<HaproxyProcessInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await processInfo(layout);
    if (info !== undefined && info.workerPid !== previousWorker && (await adminAnswers(layout))) {
      const pid = /Pid: (\d+)/.exec(await socketCommand(layout.adminSocket, 'show info'))?.[1];
      if (Number(pid) === info.workerPid) return info;
    }
    if (Date.now() > deadline) {
      throw new ProxyError('process', 'haproxy', `HAProxy in ${layout.dir} has no serving worker after ${timeoutMs} ms; see ${join(layout.dir, 'haproxy.log')}`);
    }
    await delay(POLL_MS);
  }
}

/** Starts HAProxy (master-worker, detached) on the layout's config and waits for its worker. */
export async function startHaproxy(binary: string, layout: HaproxyLayout, timeoutMs: number): Promise<HaproxyProcessInfo> {
  await checkConfig(binary, layout.configPath);
  const log = await open(join(layout.dir, 'haproxy.log'), 'a');
  const child = spawn(binary, ['-W', '-db', '-S', `${layout.masterSocket},mode,600`, '-f', layout.configPath], {
    stdio: ['ignore', log.fd, log.fd],
    detached: true,
  });
  await log.close();
  child.unref();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await processInfo(layout);
    if (info !== undefined && info.masterPid === child.pid && (await adminAnswers(layout))) return info;
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill('SIGKILL');
      throw new ProxyError('process', 'haproxy', `HAProxy in ${layout.dir} ${exited ? 'exited at start' : `did not serve within ${timeoutMs} ms`}; see ${join(layout.dir, 'haproxy.log')}`);
    }
    await delay(POLL_MS);
  }
}

/** Seamless reload through the master socket (new worker takes the listening sockets; the old one drains). */
export async function reloadHaproxy(binary: string, layout: HaproxyLayout, timeoutMs: number): Promise<HaproxyProcessInfo> {
  await checkConfig(binary, layout.configPath);
  const before = await processInfo(layout);
  if (before === undefined) throw new ProxyError('process', 'haproxy', `HAProxy in ${layout.dir} is not running: nothing to reload`);
  await socketCommand(layout.masterSocket, 'reload');
  return waitForWorker(layout, timeoutMs, before.workerPid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the master (and so its workers) by pid; resolves once it is gone. */
export async function stopHaproxy(layout: HaproxyLayout, timeoutMs = 5000): Promise<void> {
  const info = await processInfo(layout);
  if (info === undefined) return;
  const pids = [info.masterPid, info.workerPid];
  process.kill(info.masterPid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) {
      for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    }
    await delay(POLL_MS);
  }
}
