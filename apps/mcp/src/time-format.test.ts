import { create } from '@bufbuild/protobuf';
import { DurationSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { durationSeconds, formatTimestamp, formatUptime } from './time-format.js';

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [59.9, '59s'],
    [60, '1m0s'],
    [139, '2m19s'],
    [3_599, '59m59s'],
    [3_600, '1h0m'],
    [86_220, '23h57m'],
    [86_400, '1d0h'],
    [231_000, '2d16h'],
    [40 * 86_400 + 5 * 3_600 + 59, '40d5h'],
  ])('shows %s seconds as %s', (seconds, shown) => {
    expect(formatUptime(seconds)).toBe(shown);
  });

  it.each([[undefined], [-1], [Number.NaN]])('shows %s as "-"', (seconds) => {
    expect(formatUptime(seconds)).toBe('-');
  });
});

describe('durationSeconds', () => {
  it('adds the nanoseconds to the seconds of a wire Duration', () => {
    expect(durationSeconds(create(DurationSchema, { seconds: 139n, nanos: 500_000_000 }))).toBe(139.5);
  });

  it('is undefined for an unset Duration', () => {
    expect(durationSeconds(undefined)).toBeUndefined();
  });
});

describe('formatTimestamp', () => {
  it('prints UTC to the second', () => {
    expect(formatTimestamp(timestampFromDate(new Date('2024-05-01T10:00:00.750Z')))).toBe('2024-05-01T10:00:00Z');
  });

  it('prints "-" for an unset time', () => {
    expect(formatTimestamp(undefined)).toBe('-');
  });
});
