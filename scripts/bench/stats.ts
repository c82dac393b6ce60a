import type { VectorHit } from '../../engine/src/vector-index/vector-index.js';
import { annRecallAtK } from '../../engine/src/evaluation/metrics.js';

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  count: number;
}

/** Nearest-rank percentile of an ascending array (p in [0, 1]); NaN for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return {
    p50Ms: round(percentile(sorted, 0.5), 3),
    p99Ms: round(percentile(sorted, 0.99), 3),
    meanMs: round(mean, 3),
    count: sorted.length,
  };
}

/** |found ∩ expected| / |expected| by label; 1 when nothing was expected. The harness's metric, for one query. */
export function recallOf(
  found: readonly Pick<VectorHit, 'label'>[],
  expected: readonly Pick<VectorHit, 'label'>[],
): number {
  const labels = (hits: readonly Pick<VectorHit, 'label'>[]) => hits.map((h) => h.label);
  return annRecallAtK([labels(found)], [labels(expected)], Math.max(found.length, expected.length)).mean;
}

export interface RecallSummary {
  mean: number;
  /** The 5th percentile over queries: the recall that 95% of queries reach. */
  p5: number;
  min: number;
}

export function summariseRecall(perQuery: readonly number[]): RecallSummary {
  const sorted = [...perQuery].sort((a, b) => a - b);
  return {
    mean: round(sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1), 4),
    p5: round(percentile(sorted, 0.05), 4),
    min: round(sorted[0] ?? Number.NaN, 4),
  };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Runs `fn` once per item, timing each call in milliseconds. */
export async function timeEach<T>(items: readonly T[], fn: (item: T) => unknown): Promise<number[]> {
  const times: number[] = [];
  for (const item of items) {
    const start = performance.now();
    await fn(item);
    times.push(performance.now() - start);
  }
  return times;
}
