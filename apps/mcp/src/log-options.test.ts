import { timestampDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { checkedTail, parseSince } from './log-options.js';

const now = new Date('2024-05-01T12:00:00Z');
const since = (text: string) => timestampDate(parseSince(text, now)).toISOString();

describe('parseSince', () => {
  it.each([
    ['90s', '2024-05-01T11:58:30.000Z'],
    ['10m', '2024-05-01T11:50:00.000Z'],
    ['2h', '2024-05-01T10:00:00.000Z'],
    ['1d', '2024-04-30T12:00:00.000Z'],
    ['1h30m', '2024-05-01T10:30:00.000Z'],
  ])('counts %s back from now', (text, expected) => {
    expect(since(text)).toBe(expected);
  });

  it.each([
    ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01 10:00', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
  ])('reads the time %s (UTC without an offset)', (text, expected) => {
    expect(since(text)).toBe(expected);
  });

  it.each([['yesterday'], ['10'], ['-5m'], ['2024-13-45']])('refuses %s with the forms it accepts', (text) => {
    expect(() => parseSince(text, now)).toThrow(`--since "${text}": expected a duration back from now (90s, 10m, 2h, 1d, 1h30m)`);
  });
});

describe('checkedTail', () => {
  it('accepts 0 and positive whole numbers', () => {
    expect([checkedTail(0), checkedTail(50)]).toEqual([0, 50]);
  });

  it.each([[-1], [2.5], [Number.NaN]])('refuses %s', (tail) => {
    expect(() => checkedTail(tail)).toThrow('expected a whole number of lines, 0 or more');
  });
});
