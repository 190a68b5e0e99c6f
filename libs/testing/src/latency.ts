// Latency samples of a benchmark: timing one call, nearest-rank percentiles, and the rows of the printed tables.
import { performance } from 'node:perf_hooks';

export interface LatencySummary {
  readonly count: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
}

/** Wall time of one call, in milliseconds; the call's own failure is the caller's to see. */
export async function timeMs(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

/** Nearest-rank percentile: of 100 samples p99 is the second slowest, of fewer it is the slowest. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const medianMs = sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { count: samples.length, medianMs, p90Ms: percentile(samples, 0.9), p99Ms: percentile(samples, 0.99) };
}

const LABEL_WIDTH = 46;
const CELL_WIDTH = 11;

const ms = (value: number): string => `${value.toFixed(1)} ms`;
export const signedMs = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)} ms`;
const ratio = (value: number): string => `${value.toFixed(2)}×`;

function line(label: string, cells: readonly string[]): string {
  return `${label.padEnd(LABEL_WIDTH)}${cells.map((cell) => cell.padStart(CELL_WIDTH)).join('')}`;
}

export function headerLine(): string {
  return line('', ['n', 'median', 'p90', 'p99']);
}

export function summaryLine(label: string, summary: LatencySummary): string {
  return line(label, [String(summary.count), ms(summary.medianMs), ms(summary.p90Ms), ms(summary.p99Ms)]);
}

/** Two lines under a measured pair: measured / baseline, and measured − baseline. */
export function comparisonLines(measured: LatencySummary, baseline: LatencySummary): string[] {
  return [
    line('  ratio to the baseline', [
      '',
      ratio(measured.medianMs / baseline.medianMs),
      ratio(measured.p90Ms / baseline.p90Ms),
      ratio(measured.p99Ms / baseline.p99Ms),
    ]),
    line('  overhead over the baseline', [
      '',
      signedMs(measured.medianMs - baseline.medianMs),
      signedMs(measured.p90Ms - baseline.p90Ms),
      signedMs(measured.p99Ms - baseline.p99Ms),
    ]),
  ];
}

/**
 * Runs each case `warmUps + count` times, the cases taking turns (and swapping who goes first every round) so that
 * all see the same background load; returns each case's samples after the warm-ups, in the order of `cases`.
 */
export async function interleaved(cases: readonly (() => Promise<number>)[], options: { count: number; warmUps: number }): Promise<number[][]> {
  const samples = cases.map((): number[] => []);
  for (let round = 0; round < options.warmUps + options.count; round += 1) {
    const order = cases.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const ms = await cases[index]!();
      if (round >= options.warmUps) samples[index]!.push(ms);
    }
  }
  return samples;
}
