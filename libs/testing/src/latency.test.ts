import { describe, expect, it } from 'vitest';
import { comparisonLines, headerLine, interleaved, percentile, signedMs, summarize, summaryLine, timeMs } from './latency.js';

describe('percentile', () => {
  it('takes the nearest rank: of 100 samples p99 is the second slowest', () => {
    const samples = Array.from({ length: 100 }, (_, index) => index + 1).reverse();
    expect(percentile(samples, 0.99)).toBe(99);
  });

  it('is the slowest sample when there are fewer than 100', () => {
    expect(percentile([5, 1, 9, 3], 0.99)).toBe(9);
  });

  it('refuses an empty sample', () => {
    expect(() => percentile([], 0.5)).toThrow('percentile of no samples');
  });
});

describe('summarize', () => {
  it('averages the two middle samples of an even count for the median', () => {
    expect(summarize([4, 1, 3, 2]).medianMs).toBe(2.5);
  });

  it('takes the middle sample of an odd count for the median', () => {
    expect(summarize([9, 1, 5]).medianMs).toBe(5);
  });
});

describe('printed rows', () => {
  it('lines figures up under the header, with the count first', () => {
    const row = summaryLine('case', { count: 3, medianMs: 1.25, p90Ms: 2, p99Ms: 3 });
    expect(row.length).toBe(headerLine().length);
    expect(row).toMatch(/^case\s+3\s+1\.3 ms\s+2\.0 ms\s+3\.0 ms$/);
  });

  it('states ratio and difference against the baseline', () => {
    const [ratio, overhead] = comparisonLines({ count: 1, medianMs: 30, p90Ms: 30, p99Ms: 30 }, { count: 1, medianMs: 20, p90Ms: 40, p99Ms: 20 });
    expect(ratio).toMatch(/1\.50×\s+0\.75×\s+1\.50×$/);
    expect(overhead).toMatch(/\+10\.0 ms\s+−10\.0 ms\s+\+10\.0 ms$/);
  });

  it('signs a negative difference with a minus sign', () => {
    expect(signedMs(-2)).toBe('−2.0 ms');
  });
});

describe('timeMs', () => {
  it('passes the failure of the timed call on', async () => {
    await expect(timeMs(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

describe('interleaved', () => {
  it('keeps the samples after the warm-ups, per case', async () => {
    let calls = 0;
    const next = async () => (calls += 1);
    const [first, second] = await interleaved([next, next], { count: 2, warmUps: 1 });
    expect(calls).toBe(6);
    expect([first, second]).toEqual([
      [4, 5],
      [3, 6],
    ]);
  });
});
