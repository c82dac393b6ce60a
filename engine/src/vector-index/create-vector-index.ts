import { ExactVectorIndex } from './exact-vector-index.js';
import { type HnswOptions, HnswVectorIndex } from './hnsw-vector-index.js';

export type VectorIndexKind = 'hnsw' | 'exact';

/** Settings measured by scripts/bench-index.ts to give recall@10 >= 0.98 (see bench/index.md). */
export const recommendedHnswParams = { m: 16, efConstruction: 200, efSearch: 100 } as const;

export function createVectorIndex(
  kind: VectorIndexKind,
  dimensions: number,
  params: Partial<HnswOptions> = {},
): ExactVectorIndex | HnswVectorIndex {
  if (kind === 'exact') return new ExactVectorIndex(dimensions, params.initialCapacity);
  return HnswVectorIndex.create(dimensions, { ...recommendedHnswParams, ...params });
}
