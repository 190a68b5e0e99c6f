// What another process has used so far, from /proc (Linux): CPU time (utime + stime) and resident memory.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

let ticksPerSecond: Promise<number> | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 on every Linux we run), the unit of /proc/<pid>/stat. */
export function clockTicksPerSecond(): Promise<number> {
  ticksPerSecond ??= new Promise((resolve, reject) => {
    execFile('getconf', ['CLK_TCK'], (error, stdout) => {
      const ticks = Number(stdout.trim());
      if (error !== null || !Number.isInteger(ticks) || ticks <= 0) reject(new Error(`getconf CLK_TCK failed: ${error?.message ?? stdout}`));
      else resolve(ticks);
    });
  });
  return ticksPerSecond;
}

/** CPU time the process has used in user and kernel mode, in ms (/proc/<pid>/stat fields 14 and 15). */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (the command) is in parentheses and may hold spaces: count the fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot read the CPU times in /proc/${pid}/stat: ${stat}`);
  return ((utime + stime) * 1000) / (await clockTicksPerSecond());
}

/** Resident memory of the process (VmRSS of /proc/<pid>/status), in bytes. */
export async function processRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
