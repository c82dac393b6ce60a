import type { VectorIndex } from './vector-index.js';

export interface RecallReport {
  k: number;
  queries: number;
  /** Mean over queries of |approx top-k ∩ exact top-k| / |exact top-k|. */
  recall: number;
  /** Worst single query, to spot outliers a mean hides. */
  minRecall: number;
}

/**
 * recall@k of `approx` against `truth` (normally an ExactVectorIndex over the same vectors).
 * Pure apart from the searches; queries with an empty exact answer are skipped.
 */
export function measureRecall(
  approx: VectorIndex,
  truth: VectorIndex,
  queries: readonly Float32Array[],
  k: number,
): RecallReport {
  let sum = 0;
  let min = 1;
  let counted = 0;
  for (const query of queries) {
    const expected = truth.search(query, k);
    if (expected.length === 0) continue;
    const found = new Set(approx.search(query, k).map((hit) => hit.label));
    let hits = 0;
    for (const { label } of expected) if (found.has(label)) hits++;
    const recall = hits / expected.length;
    sum += recall;
    min = Math.min(min, recall);
    counted++;
  }
  return { k, queries: counted, recall: counted ? sum / counted : 1, minRecall: counted ? min : 1 };
}
