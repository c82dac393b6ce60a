import { describe, expect, it } from 'vitest';
import { percentile, recallOf, summarise, summariseRecall } from './stats.js';

describe('bench stats', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(xs, 0.5)).toBe(5);
    expect(percentile(xs, 0.99)).toBe(10);
    expect(percentile(xs, 0.05)).toBe(1);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('summarises unsorted latencies', () => {
    expect(summarise([3, 1, 2])).toEqual({ p50Ms: 2, p99Ms: 3, meanMs: 2, count: 3 });
  });

  it('counts recall by label, ignoring order and similarity', () => {
    const expected = [1, 2, 3, 4].map((label) => ({ label }));
    expect(recallOf([{ label: 4 }, { label: 9 }, { label: 1 }], expected)).toBe(0.5);
    expect(recallOf([], [])).toBe(1);
  });

  it('reports the low tail of recall', () => {
    const perQuery = [...Array(19).fill(1), 0.5];
    expect(summariseRecall(perQuery)).toEqual({ mean: 0.975, p5: 0.5, min: 0.5 });
  });
});
