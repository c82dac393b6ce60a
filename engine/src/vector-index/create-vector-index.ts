import { ExactVectorIndex } from './exact-vector-index.js';
import { type HnswOptions, HnswVectorIndex } from './hnsw-vector-index.js';

export type VectorIndexKind = 'hnsw' | 'exact';

/** The engine's defaults (engine/src/config.ts, measured in bench/index.md), for callers without a config. */
export const recommendedHnswParams = { m: 32, efConstruction: 400, efSearch: 300 } as const;

export function createVectorIndex(
  kind: VectorIndexKind,
  dimensions: number,
  params: Partial<HnswOptions> = {},
): ExactVectorIndex | HnswVectorIndex {
  if (kind === 'exact') return new ExactVectorIndex(dimensions, params.initialCapacity);
  return HnswVectorIndex.create(dimensions, { ...recommendedHnswParams, ...params });
}
