// Reads `logs --since` and `--tail` into what LogsRequest carries; pure, so every form is tested alone.
import { timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { CliError, exitCodes } from './errors.js';

const units: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const durationPattern = /^(?:\d+[smhd])+$/;
const timePattern = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `--since`: a duration back from now (`90s`, `10m`, `2h`, `1d`, `1h30m`) or an instant
 * (`2024-05-01`, `2024-05-01T10:00:00Z`; without an offset it is UTC, like the agents' clocks).
 */
export function parseSince(text: string, now: Date): Timestamp {
  const trimmed = text.trim();
  if (durationPattern.test(trimmed)) {
    let totalMs = 0;
    for (const [, amount = '0', unit = 's'] of trimmed.matchAll(/(\d+)([smhd])/g)) totalMs += Number(amount) * (units[unit] ?? 0);
    return timestampFromDate(new Date(now.getTime() - totalMs));
  }
  if (timePattern.test(trimmed)) {
    const iso = trimmed.replace(' ', 'T');
    const withZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
    const date = new Date(withZone);
    if (!Number.isNaN(date.getTime())) return timestampFromDate(date);
  }
  throw new CliError(
    'usage',
    `--since "${text}": expected a duration back from now (90s, 10m, 2h, 1d, 1h30m) or a time (2024-05-01T10:00:00Z)`,
    exitCodes.badInput,
  );
}

/** `-n/--tail`: the last N lines per component; 0 shows only new lines (with --follow). */
export function checkedTail(tail: number): number {
  if (!Number.isInteger(tail) || tail < 0 || tail > 2_147_483_647) {
    throw new CliError('usage', `--tail ${tail}: expected a whole number of lines, 0 or more`, exitCodes.badInput);
  }
  return tail;
}
