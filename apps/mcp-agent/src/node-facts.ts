// Facts about this machine for NodeStatus: node:os, /etc/os-release, and the filesystem of the service files root.
import { readFile, statfs } from 'node:fs/promises';
import { arch, availableParallelism, freemem, hostname, loadavg, platform, release, totalmem } from 'node:os';
import { goArch } from './registration.js';

export interface MachineFacts {
  readonly hostname: string;
  /** Go notation: amd64, arm64. */
  readonly arch: string;
  readonly os: string;
  /** e.g. "Debian GNU/Linux 12 (bookworm)"; "" when unknown. */
  readonly osRelease: string;
  readonly kernel: string;
  readonly cpus: number;
  readonly memoryBytes: number;
}

export interface DiskSpace {
  readonly totalBytes: number;
  readonly availableBytes: number;
}

export interface MachineLoad {
  readonly cpuMillicores: number;
  /** The 1-minute load average in millicores, capped at the capacity. */
  readonly cpuMillicoresUsed: number;
  readonly memoryAvailableBytes: number;
}

/** PRETTY_NAME of an os-release file (values may be quoted); "" when it has none. */
export function prettyName(osRelease: string): string {
  for (const line of osRelease.split('\n')) {
    const match = /^PRETTY_NAME=(.*)$/.exec(line.trim());
    if (match?.[1] === undefined) continue;
    const value = match[1].trim();
    const quoted = /^(["'])(.*)\1$/.exec(value);
    return (quoted?.[2] ?? value).replace(/\\(["'$`\\])/g, '$1');
  }
  return '';
}

async function osRelease(): Promise<string> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return prettyName(await readFile(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return '';
}

export async function readMachineFacts(): Promise<MachineFacts> {
  return {
    hostname: hostname(),
    arch: goArch(arch()),
    os: platform(),
    osRelease: await osRelease(),
    kernel: release(),
    cpus: availableParallelism(),
    memoryBytes: totalmem(),
  };
}

/** Size and free space of the filesystem holding `path` (the service files root). */
export async function diskSpace(path: string): Promise<DiskSpace> {
  const stats = await statfs(path);
  return { totalBytes: stats.blocks * stats.bsize, availableBytes: stats.bavail * stats.bsize };
}

export function machineLoad(cpus: number): MachineLoad {
  const cpuMillicores = cpus * 1000;
  return {
    cpuMillicores,
    cpuMillicoresUsed: Math.min(cpuMillicores, Math.round((loadavg()[0] ?? 0) * 1000)),
    // libuv reads MemAvailable (what can be had without swapping), not MemFree.
    memoryAvailableBytes: freemem(),
  };
}
