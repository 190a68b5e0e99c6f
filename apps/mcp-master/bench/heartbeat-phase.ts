// The master's CPU while simulated agents heartbeat: its CPU time over a window (/proc/<pid>/stat), the heartbeats
// it answered meanwhile, and the cost of one above the master's idle load measured the same way.
import { setTimeout as delay } from 'node:timers/promises';
import { processCpuMs } from './process-usage.js';
import type { HeartbeatCounts, SimulatedFleet } from './simulated-fleet.js';

export interface CpuWindow {
  readonly label: string;
  readonly seconds: number;
  /** Heartbeats acknowledged by the master within the window. */
  readonly heartbeats: number;
  /** Heartbeats that failed within the window, by code. */
  readonly failed: Readonly<Record<string, number>>;
  readonly masterCpuMs: number;
  /** The simulated agents' own process, the load generator on the same cores. */
  readonly agentsCpuMs: number;
}

function failedSince(before: HeartbeatCounts, after: HeartbeatCounts): Record<string, number> {
  const failed: Record<string, number> = {};
  for (const [key, count] of Object.entries(after.failed)) {
    const delta = count - (before.failed[key] ?? 0);
    if (delta > 0) failed[key] = delta;
  }
  return failed;
}

export interface WindowOptions {
  readonly label: string;
  readonly fleet: SimulatedFleet;
  readonly masterPid: number;
  /** Heartbeat period during the window (0: none); set, then `settleMs` passes before the window opens. */
  readonly intervalMs: number;
  readonly seconds: number;
  readonly settleMs: number;
}

export async function measureCpuWindow(options: WindowOptions): Promise<CpuWindow> {
  const { fleet, masterPid } = options;
  await fleet.setHeartbeatInterval(options.intervalMs);
  await delay(options.settleMs);
  const [masterBefore, agentsBefore, countsBefore] = await Promise.all([processCpuMs(masterPid), processCpuMs(fleet.pid), fleet.counts()]);
  await delay(options.seconds * 1000);
  const [masterAfter, agentsAfter, countsAfter] = await Promise.all([processCpuMs(masterPid), processCpuMs(fleet.pid), fleet.counts()]);
  return {
    label: options.label,
    seconds: options.seconds,
    heartbeats: countsAfter.acknowledged - countsBefore.acknowledged,
    failed: failedSince(countsBefore, countsAfter),
    masterCpuMs: masterAfter - masterBefore,
    agentsCpuMs: agentsAfter - agentsBefore,
  };
}

const LABEL_WIDTH = 34;
const CELL_WIDTH = 15;

function row(label: string, cells: readonly string[]): string {
  return `${label.padEnd(LABEL_WIDTH)}${cells.map((cell) => cell.padStart(CELL_WIDTH)).join('')}`;
}

/** The windows as a table; the cost of one heartbeat is the master's CPU above its idle rate, per heartbeat. */
export function cpuWindowLines(windows: readonly CpuWindow[], idle: CpuWindow): string[] {
  const idleRate = idle.masterCpuMs / idle.seconds;
  const lines = [row('', ['window', 'heartbeats/s', 'master CPU', 'of one core', 'per heartbeat', 'agents CPU'])];
  for (const window of windows) {
    const perHeartbeat = window.heartbeats === 0 ? '-' : `${((window.masterCpuMs - idleRate * window.seconds) / window.heartbeats).toFixed(3)} ms`;
    lines.push(
      row(window.label, [
        `${window.seconds} s`,
        (window.heartbeats / window.seconds).toFixed(1),
        `${window.masterCpuMs.toFixed(0)} ms`,
        `${((window.masterCpuMs / (window.seconds * 1000)) * 100).toFixed(2)} %`,
        perHeartbeat,
        `${((window.agentsCpuMs / (window.seconds * 1000)) * 100).toFixed(1)} %`,
      ]),
    );
    const failures = Object.entries(window.failed);
    if (failures.length > 0) lines.push(`  failed heartbeats: ${failures.map(([code, count]) => `${code} × ${count}`).join(', ')}`);
  }
  return lines;
}
