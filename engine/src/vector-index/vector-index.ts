import type { HnswParams } from './hnsw-vector-index.js';

export type VectorIndexKind = 'hnsw' | 'exact';

export interface VectorHit {
  /** The mentor's rowId. */
  label: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

export interface VectorSearchOptions {
  /** Hidden labels take part too (a configuration that also serves inactive mentors). */
  includeHidden?: boolean;
}

/** What `save` wrote beside its data file; `loadVectorIndex` restores the same index from both. */
export interface SavedVectorIndex {
  /** Per slot of the data file: the label, FREE_SLOT for an empty slot, `hiddenEntry(label)` for a hidden one. */
  labels: Float64Array;
  /** Build and search parameters of a graph (a load with other build parameters must rebuild); null for a scan. */
  params: HnswParams | null;
}

/** Port for nearest-neighbour retrieval over L2-normalised vectors with cosine similarity. */
export interface VectorIndex {
  readonly kind: VectorIndexKind;
  readonly dimensions: number;
  readonly size: number;
  /**
   * Whether a start gains from loading a saved copy instead of building the index again from the vectors:
   * building a graph of 100k vectors takes minutes, filling a scan a copy of its rows.
   */
  readonly worthSaving: boolean;
  upsert(label: number, vector: Float32Array): void;
  remove(label: number): void;
  /**
   * Leaves `label` out of searches (or brings it back) until told otherwise or removed; a replaced vector stays
   * hidden; unknown labels are ignored. Inactive mentors are hidden, so the usual search needs no filter.
   */
  setHidden(label: number, hidden: boolean): void;
  /** Top-k by cosine similarity, best first; `filter` excludes labels before they take a slot. */
  search(
    query: Float32Array,
    k: number,
    filter?: (label: number) => boolean,
    options?: VectorSearchOptions,
  ): VectorHit[];
  /**
   * Writes the index's vectors (and graph) to `file` and returns what a load needs besides. The state written
   * is the one when called: changes made while the promise runs are kept, and are not in the file.
   */
  save(file: string): Promise<SavedVectorIndex>;
}

/** A slot of a label table that holds no label. */
export const FREE_SLOT = -1;

/** A hidden label's entry in a label table: −2 − label, so it differs from every label (non-negative) and from FREE_SLOT. */
export const hiddenEntry = (label: number): number => -2 - label;

/** The label of a table entry and whether it is hidden; null for a free slot. */
export function readEntry(entry: number): { label: number; hidden: boolean } | null {
  if (entry === FREE_SLOT) return null;
  return entry < FREE_SLOT ? { label: hiddenEntry(entry), hidden: true } : { label: entry, hidden: false };
}
