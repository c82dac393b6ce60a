import { ExactVectorIndex } from './exact-vector-index.js';
import { type HnswOptions, HnswVectorIndex } from './hnsw-vector-index.js';
import type { SavedVectorIndex, VectorIndex, VectorIndexKind } from './vector-index.js';

/** The engine's defaults (engine/src/config.ts, measured in bench/index.md), for callers without a config. */
export const recommendedHnswParams = { m: 32, efConstruction: 400, efSearch: 300 } as const;

export function createVectorIndex(
  kind: VectorIndexKind,
  dimensions: number,
  params: Partial<HnswOptions> = {},
): VectorIndex {
  if (kind === 'exact') return new ExactVectorIndex(dimensions, params.initialCapacity);
  return HnswVectorIndex.create(dimensions, { ...recommendedHnswParams, ...params });
}

/**
 * Restores an index of `kind` from the `file` its `save` wrote and what it returned; `saved.params` may carry
 * another efSearch (a search-time setting). Throws if the file and the table disagree.
 */
export async function loadVectorIndex(
  kind: VectorIndexKind,
  file: string,
  dimensions: number,
  saved: SavedVectorIndex,
): Promise<VectorIndex> {
  if (kind === 'exact') return ExactVectorIndex.load(file, dimensions, saved.labels);
  if (!saved.params) throw new Error('a saved graph needs its parameters');
  return HnswVectorIndex.load(file, dimensions, saved.params, saved.labels);
}
