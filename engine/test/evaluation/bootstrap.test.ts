import { describe, expect, it } from 'vitest';
import { bootstrapCI, quantile } from '../../src/evaluation/bootstrap.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const data = Array.from({ length: 60 }, (_, i) => ((i * 37) % 11) / 10);

describe('bootstrapCI', () => {
  it('gives the same interval for the same seed and another for another seed', () => {
    const a = bootstrapCI(data, mean, { seed: 7, samples: 500 });
    const b = bootstrapCI(data, mean, { seed: 7, samples: 500 });
    const c = bootstrapCI(data, mean, { seed: 8, samples: 500 });
    expect(b).toEqual(a);
    expect(c.ci).not.toEqual(a.ci);
    expect(c.value).toBe(a.value);
  });

  it('brackets the point estimate and narrows with more data', () => {
    const small = bootstrapCI(data.slice(0, 15), mean, { seed: 1 });
    const large = bootstrapCI([...data, ...data, ...data, ...data], mean, { seed: 1 });
    expect(small.ci[0]).toBeLessThanOrEqual(small.value);
    expect(small.ci[1]).toBeGreaterThanOrEqual(small.value);
    expect(large.ci[1] - large.ci[0]).toBeLessThan(small.ci[1] - small.ci[0]);
  });

  it('can shift the interval by the estimated bias of a statistic that resampling inflates', () => {
    // Distinct units in a resample are about 63% of n, so "share of distinct units" is biased low.
    const units = Array.from({ length: 200 }, (_, i) => i);
    const distinctShare = (xs: readonly number[]) => new Set(xs).size / units.length;
    const plain = bootstrapCI(units, distinctShare, { seed: 4 });
    expect(plain.ci[1]).toBeLessThan(plain.value);
    const shifted = bootstrapCI(units, distinctShare, { seed: 4, shiftByBias: true });
    expect(shifted.ci[0]).toBeLessThanOrEqual(shifted.value);
    expect(shifted.ci[1]).toBeGreaterThanOrEqual(shifted.value);
    expect(shifted.ci[1] - shifted.ci[0]).toBeCloseTo(plain.ci[1] - plain.ci[0], 12);
  });

  it('collapses on constant data and skips resamples where the statistic is undefined', () => {
    expect(bootstrapCI([2, 2, 2], mean).ci).toEqual([2, 2]);
    const sometimesNaN = bootstrapCI([0, 1], (xs) => (xs.includes(1) ? mean(xs) : Number.NaN), {
      seed: 3,
      samples: 200,
    });
    expect(sometimesNaN.ci[0]).toBeGreaterThanOrEqual(0.5);
  });
});

describe('helpers', () => {
  it('seededRandom is deterministic and in [0, 1)', () => {
    const r1 = seededRandom(5);
    const r2 = seededRandom(5);
    const xs = Array.from({ length: 1000 }, () => r1());
    expect(Array.from({ length: 1000 }, () => r2())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeGreaterThan(0.45);
    expect(mean(xs)).toBeLessThan(0.55);
  });

  it('quantile interpolates linearly', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2], 0.05)).toBeCloseTo(1.05, 12);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
