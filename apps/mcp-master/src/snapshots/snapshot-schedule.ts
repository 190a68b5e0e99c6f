// The snapshot schedule (SPEC §8: every 24 h by default): every placed service in turn, each under its lock.
import type { IntervalTimer } from '../health-monitor.js';
import type { MasterDeps } from '../deps.js';
import { periodicPass } from '../periodic-pass.js';
import { takeSnapshot, type SnapshotSettings } from './take-snapshot.js';

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 24 * 3_600_000;

export interface SnapshotRound {
  readonly taken: readonly string[];
  readonly failed: readonly { service: string; error: string }[];
}

/** One round: a snapshot of every placed service, one at a time; a failure is logged and the round goes on. */
export async function snapshotEveryService(deps: MasterDeps, settings: SnapshotSettings): Promise<SnapshotRound> {
  const log = deps.log.child({ task: 'snapshot-schedule' });
  const taken: string[] = [];
  const failed: { service: string; error: string }[] = [];
  for (const placement of deps.store.listPlacements()) {
    try {
      await takeSnapshot(deps, settings, placement.service);
      taken.push(placement.service);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failed.push({ service: placement.service, error: message });
      log.warn({ service: placement.service, node: placement.node, err: message }, 'scheduled snapshot failed');
    }
  }
  log.info({ taken: taken.length, failed: failed.length }, 'scheduled snapshots done');
  return { taken, failed };
}

/** Starts the schedule (a round every `intervalMs`; a round still running when the next is due is not doubled). */
export function startSnapshotSchedule(
  deps: MasterDeps,
  settings: SnapshotSettings,
  options: { intervalMs: number; timer: IntervalTimer },
): { stop(): Promise<void> } {
  const schedule = periodicPass({
    timer: options.timer,
    periodMs: options.intervalMs,
    pass: () => snapshotEveryService(deps, settings),
    onError: (error) => deps.log.child({ task: 'snapshot-schedule' }).error({ err: error instanceof Error ? error.message : String(error) }, 'snapshot round failed'),
  });
  schedule.start();
  return schedule;
}
