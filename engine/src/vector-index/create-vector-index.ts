import { ExactVectorIndex } from './exact-vector-index.js';
import { type HnswOptions, HnswVectorIndex } from './hnsw-vector-index.js';

export type VectorIndexKind = 'hnsw' | 'exact';

/**
 * Measured by scripts/bench-index.ts (bench/index.md): on 100k hard clustered 512-d vectors,
 * efSearch 100 gives recall@10 0.95 and 200 gives 0.99 at about 1 ms; m 16 keeps the graph small.
 */
export const recommendedHnswParams = { m: 16, efConstruction: 200, efSearch: 200 } as const;

export function createVectorIndex(
  kind: VectorIndexKind,
  dimensions: number,
  params: Partial<HnswOptions> = {},
): ExactVectorIndex | HnswVectorIndex {
  if (kind === 'exact') return new ExactVectorIndex(dimensions, params.initialCapacity);
  return HnswVectorIndex.create(dimensions, { ...recommendedHnswParams, ...params });
}
