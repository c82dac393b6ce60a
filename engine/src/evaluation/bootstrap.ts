import { seededRandom } from '../shared/seeded-random.js';

/** Linear-interpolation quantile (R type 7, numpy's default) of values sorted ascending. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

export interface BootstrapOptions {
  seed?: number;
  /** Number of resamples; 1000 is enough for a stable 95% percentile interval. */
  samples?: number;
  /** Coverage of the interval, 0.95 gives the 2.5th and 97.5th percentiles. */
  level?: number;
  /**
   * Shift the interval by the bootstrap's estimate of the statistic's bias (mean of the resamples
   * minus the estimate). For statistics that are not means, such as the concentration of exposure,
   * where duplicated units in a resample systematically inflate the value.
   */
  shiftByBias?: boolean;
}

export interface Estimate {
  value: number;
  ci: [number, number];
}

/**
 * Percentile bootstrap: resamples `units` with replacement and recomputes `stat` on each resample.
 * Units are whatever is independent in the data (queries for ranking metrics, experts for the
 * pairwise loss), and `stat` aggregates them, so ratio statistics are recomputed as ratios of sums.
 * Resamples on which `stat` is not finite (no eligible unit drawn) are skipped.
 */
export function bootstrapCI<T>(
  units: readonly T[],
  stat: (sample: readonly T[]) => number,
  options: BootstrapOptions = {},
): Estimate {
  const { seed = 42, samples = 1000, level = 0.95, shiftByBias = false } = options;
  const value = stat(units);
  if (units.length === 0 || samples <= 0) return { value, ci: [value, value] };
  const random = seededRandom(seed);
  const stats: number[] = [];
  const sample: T[] = new Array<T>(units.length);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < units.length; i++) sample[i] = units[Math.floor(random() * units.length)]!;
    const v = stat(sample);
    if (Number.isFinite(v)) stats.push(v);
  }
  if (stats.length === 0) return { value, ci: [value, value] };
  stats.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const bias = shiftByBias ? stats.reduce((s, v) => s + v, 0) / stats.length - value : 0;
  return { value, ci: [quantileSorted(stats, alpha) - bias, quantileSorted(stats, 1 - alpha) - bias] };
}
