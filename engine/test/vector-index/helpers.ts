import type { VectorIndex } from '../../src/vector-index/vector-index.js';

/**
 * Every label the index holds, hidden ones included: a search for more than it holds, which each index
 * answers exhaustively (the graph widens its search until it has walked every slot).
 */
export function labelsIn(index: VectorIndex): Set<number> {
  const query = new Float32Array(index.dimensions).fill(1);
  return new Set(index.search(query, index.size + 1, undefined, { includeHidden: true }).map((hit) => hit.label));
}
