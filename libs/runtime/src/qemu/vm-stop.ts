// Stopping a VM, each step bounded: ACPI power button (QMP system_powerdown), then QMP quit, then SIGKILL.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { qmpExecute } from './qmp.js';
import { isOurProcess } from './supervisor.js';
import { VM_FILES } from './vm-record.js';
import type { VmObservation } from './vm-state.js';

export interface StopBounds {
  /** How long the guest may take to power off after the power button; 0 skips the button. */
  readonly graceMs: number;
  /** How long QEMU may take to exit after QMP quit. */
  readonly quitMs: number;
  /** How long the process may take to vanish after SIGKILL, and the supervisor to record the exit. */
  readonly killMs: number;
  readonly pollIntervalMs?: number;
}

/** How the VM ended: it was not running, the guest powered off, QEMU quit, or it was killed. */
export type StopOutcome = 'not-running' | 'powerdown' | 'quit' | 'kill';

export interface StopTarget {
  readonly dir: string;
  readonly id: string;
  observe(): Promise<VmObservation>;
  /** Called before the first step that touches a running VM, and before SIGKILL (to journal stop and kill). */
  onStep(step: 'stop' | 'kill'): Promise<void>;
}

async function waitUntil(done: () => Promise<boolean>, timeoutMs: number, intervalMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await delay(intervalMs);
  }
}

/**
 * Marks the VM stop-requested first, so its supervisor restarts it no more, then steps up until QEMU is gone,
 * then waits for the supervisor to record the exit. Throws only when even SIGKILL left QEMU running.
 */
export async function stopVm(target: StopTarget, bounds: StopBounds): Promise<StopOutcome> {
  const interval = bounds.pollIntervalMs ?? 50;
  await writeFile(join(target.dir, VM_FILES.stopRequested), `${Date.now()}\n`);
  const observation = await target.observe();
  const pid = observation.qemuPid;
  let outcome: StopOutcome = 'not-running';
  if (observation.qemuAlive && pid !== undefined) {
    const gone = (): Promise<boolean> => isOurProcess(pid, target.id).then((alive) => !alive);
    await target.onStep('stop');
    // A QMP failure (wedged or already exiting QEMU) is not the end: the next, harder step follows.
    const qmp = (command: string, timeoutMs: number): Promise<unknown> =>
      qmpExecute(target.dir, [{ execute: command }], Math.max(timeoutMs, 500)).catch(() => undefined);
    if (bounds.graceMs > 0) {
      await qmp('system_powerdown', Math.min(bounds.graceMs, 2000));
      if (await waitUntil(gone, bounds.graceMs, interval)) outcome = 'powerdown';
    }
    if (outcome === 'not-running') {
      await qmp('quit', bounds.quitMs);
      if (await waitUntil(gone, bounds.quitMs, interval)) outcome = 'quit';
    }
    if (outcome === 'not-running') {
      await target.onStep('kill');
      if (await isOurProcess(pid, target.id)) process.kill(pid, 'SIGKILL');
      if (!(await waitUntil(gone, bounds.killMs, interval))) {
        throw new Error(`QEMU (pid ${pid}) still runs ${bounds.killMs} ms after SIGKILL`);
      }
      outcome = 'kill';
    }
  }
  // Until the supervisor has recorded the exit and gone, so a later event (remove) follows its die.
  const settled = async (): Promise<boolean> => {
    const now = await target.observe();
    return !now.qemuAlive && !now.supervisorAlive;
  };
  if (!(await waitUntil(settled, bounds.killMs, interval))) {
    // A stuck supervisor (it cannot be restarting: stop-requested is set) is ended; its VM's exit is then reaped.
    const { supervisorPid } = await target.observe();
    if (supervisorPid !== undefined && (await isOurProcess(supervisorPid, target.id))) process.kill(supervisorPid, 'SIGKILL');
    await waitUntil(settled, bounds.killMs, interval);
  }
  return outcome;
}
