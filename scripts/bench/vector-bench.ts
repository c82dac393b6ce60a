import { ExactVectorIndex } from '../../engine/src/vector-index/exact-vector-index.js';
import { HnswVectorIndex } from '../../engine/src/vector-index/hnsw-vector-index.js';
import type { VectorHit } from '../../engine/src/vector-index/vector-index.js';
import { recallOf, round, summarise, summariseRecall, type LatencySummary, type RecallSummary } from './stats.js';

export const K = 10;
export const EF_SWEEP = [16, 32, 64, 100, 200, 400] as const;

export interface SweepPoint extends LatencySummary {
  ef: number;
  recall: RecallSummary;
}

export interface VectorBenchResult {
  exact: { buildMs: number; search: LatencySummary };
  hnsw: {
    m: number;
    efConstruction: number;
    efSearch: number;
    buildMs: number;
    buildPerS: number;
    search: LatencySummary;
    recall: RecallSummary;
  };
  sweep: SweepPoint[];
  /** Exact top-k per query, reused as ground truth by the pgvector part. */
  truth: VectorHit[][];
}

function searchTimes(search: (q: Float32Array) => unknown, queries: readonly Float32Array[]): number[] {
  for (const q of queries.slice(0, 20)) search(q);
  return queries.map((q) => {
    const start = performance.now();
    search(q);
    return performance.now() - start;
  });
}

/** Exact scan vs hnswlib (the app's configured parameters plus an ef sweep) on the same vectors, labels 1..N. */
export function runVectorBench(
  vectors: readonly Float32Array[],
  queries: readonly Float32Array[],
  params: { m: number; efConstruction: number; efSearch: number },
  log: (m: string) => void,
): VectorBenchResult {
  const dim = vectors[0]!.length;
  let start = performance.now();
  const exact = new ExactVectorIndex(dim, vectors.length);
  vectors.forEach((v, i) => {
    exact.upsert(i + 1, v);
  });
  const exactBuildMs = performance.now() - start;

  log(`exact ground truth for ${queries.length} queries`);
  const truth: VectorHit[][] = [];
  const exactTimes: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    truth.push(exact.search(q, K));
    exactTimes.push(performance.now() - t);
  }

  const { m, efConstruction, efSearch } = params;
  log(`hnsw build (m ${m}, efConstruction ${efConstruction}) over ${vectors.length} vectors`);
  start = performance.now();
  const hnsw = HnswVectorIndex.create(dim, { m, efConstruction, efSearch });
  vectors.forEach((v, i) => {
    hnsw.upsert(i + 1, v);
    if ((i + 1) % 10_000 === 0) log(`  hnsw ${i + 1}/${vectors.length}`);
  });
  const hnswBuildMs = performance.now() - start;

  const efs = [...new Set([...EF_SWEEP, efSearch])].sort((a, b) => a - b);
  const sweep = efs.map((ef): SweepPoint => {
    hnsw.setEfSearch(ef);
    const times = searchTimes((q) => hnsw.search(q, K), queries);
    const recall = summariseRecall(queries.map((q, i) => recallOf(hnsw.search(q, K), truth[i]!)));
    log(`  ef ${ef}: recall@10 ${recall.mean} (p5 ${recall.p5}), p50 ${summarise(times).p50Ms} ms`);
    return { ef, ...summarise(times), recall };
  });
  hnsw.setEfSearch(efSearch);
  const atDefault = sweep.find((p) => p.ef === efSearch)!;

  return {
    exact: { buildMs: round(exactBuildMs), search: summarise(exactTimes) },
    hnsw: {
      m,
      efConstruction,
      efSearch,
      buildMs: round(hnswBuildMs),
      buildPerS: round((vectors.length / hnswBuildMs) * 1000),
      search: { p50Ms: atDefault.p50Ms, p99Ms: atDefault.p99Ms, meanMs: atDefault.meanMs, count: atDefault.count },
      recall: atDefault.recall,
    },
    sweep,
    truth,
  };
}
