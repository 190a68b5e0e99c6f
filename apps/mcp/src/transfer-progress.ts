// Progress of an archive transfer (snapshot, migrate, restore): bytes and rate redrawn on one line of a terminal,
// a plain line at every 64 MiB elsewhere (logs and pipes get a few lines, not a torrent).
import type { Output } from './output.js';

const PLAIN_STEP_BYTES = 64 * 1024 * 1024;

/** `1.5 GiB`, `12.0 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export interface TransferProgress {
  /** The running total of one step's transfer (`total` 0 when unknown). */
  update(step: string, bytes: number, total: number): void;
  /** Clears the redrawn line before a result line is printed. */
  clear(): void;
}

export function transferProgress(output: Output, now: () => number = () => Date.now()): TransferProgress {
  let started: { step: string; at: number } | undefined;
  let plainPrinted = 0;
  let drawn = false;
  return {
    update(step, bytes, total) {
      if (started?.step !== step) {
        started = { step, at: now() };
        plainPrinted = 0;
      }
      const seconds = Math.max((now() - started.at) / 1000, 0.001);
      const rate = `${formatBytes(bytes / seconds)}/s`;
      const of = total > 0 ? ` of ${formatBytes(total)} (${Math.floor((bytes / total) * 100)}%)` : '';
      const text = `  ${step}: ${formatBytes(bytes)}${of} at ${rate}`;
      if (output.terminal) {
        output.transient(text);
        drawn = true;
      } else if (bytes - plainPrinted >= PLAIN_STEP_BYTES) {
        plainPrinted = bytes;
        output.progress(text);
      }
    },
    clear() {
      if (drawn) output.transient('');
      drawn = false;
    },
  };
}
