// Times as the CLI prints them: uptime as `mcp ps` shows it (SPEC 5, as the Go MCP did: the two largest
// units, `2d16h`, `23h57m`, `2m19s`) and instants in UTC to the second.
import { timestampDate, type Duration, type Timestamp } from '@bufbuild/protobuf/wkt';

/** '-' when there is no uptime (not running); under a minute, seconds only (`42s`). Fractions are cut off. */
export function formatUptime(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
  const whole = Math.floor(seconds);
  const days = Math.floor(whole / 86_400);
  const hours = Math.floor((whole % 86_400) / 3_600);
  const minutes = Math.floor((whole % 3_600) / 60);
  const rest = whole % 60;
  if (days > 0) return `${days}d${hours}h`;
  if (hours > 0) return `${hours}h${minutes}m`;
  if (minutes > 0) return `${minutes}m${rest}s`;
  return `${rest}s`;
}

/** Seconds of a wire Duration; undefined when the field is unset. */
export function durationSeconds(duration: Duration | undefined): number | undefined {
  return duration === undefined ? undefined : Number(duration.seconds) + duration.nanos / 1e9;
}

/** `2024-05-01T10:00:00Z`; '-' when the field is unset. */
export function formatTimestamp(timestamp: Timestamp | undefined): string {
  return timestamp === undefined ? '-' : timestampDate(timestamp).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
