export interface VectorHit {
  /** The mentor's rowId. */
  label: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/** Port for nearest-neighbour retrieval over L2-normalised vectors with cosine similarity. */
export interface VectorIndex {
  readonly dimensions: number;
  readonly size: number;
  upsert(label: number, vector: Float32Array): void;
  remove(label: number): void;
  has(label: number): boolean;
  /** Top-k by cosine similarity, best first; `filter` excludes labels before they take a slot. */
  search(query: Float32Array, k: number, filter?: (label: number) => boolean): VectorHit[];
}
