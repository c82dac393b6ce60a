import fs from 'node:fs/promises';
import { TopK } from './top-k.js';
import {
  hiddenEntry,
  readEntry,
  type SavedVectorIndex,
  type VectorHit,
  type VectorIndex,
  type VectorSearchOptions,
} from './vector-index.js';
import { checkLabel, checkVector, normaliseInto } from './vector-math.js';

/**
 * Brute-force cosine index: rows packed in one Float32Array, scanned with a dot product per row.
 * Answers small catalogues (below config.exactScanBelow) and is the ground truth for HNSW recall.
 */
export class ExactVectorIndex implements VectorIndex {
  readonly kind = 'exact';
  /** Filling it again from the database's vectors is a copy; a saved one is for tests and benchmarks. */
  readonly worthSaving = false;
  private vectors: Float32Array;
  private labels: Float64Array;
  private readonly slotOf = new Map<number, number>();
  /** Hidden labels: skipped by the scan unless a search includes them. */
  private readonly hidden = new Set<number>();

  constructor(
    readonly dimensions: number,
    initialCapacity = 1024,
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 1)
      throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
    const capacity = Math.max(1, initialCapacity);
    this.vectors = new Float32Array(capacity * dimensions);
    this.labels = new Float64Array(capacity);
  }

  /** Restores an index `save` wrote to `file`; `labels` is the table it returned. Throws if the two disagree. */
  static async load(file: string, dimensions: number, labels: Float64Array): Promise<ExactVectorIndex> {
    const bytes = await fs.readFile(file);
    if (bytes.byteLength % 4 !== 0) throw new Error('vector file is not a whole number of float32 values');
    const vectors = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(vectors.buffer).set(bytes);
    if (vectors.length !== labels.length * dimensions) {
      throw new RangeError(
        `Expected ${labels.length * dimensions} vector values for ${labels.length} labels, got ${vectors.length}`,
      );
    }
    const index = new ExactVectorIndex(dimensions, labels.length);
    index.vectors.set(vectors);
    for (let slot = 0; slot < labels.length; slot++) {
      const entry = readEntry(labels[slot]!);
      // A scan keeps its rows contiguous, so it never writes a free slot.
      if (!entry) throw new RangeError(`Slot ${slot} is free in a scan's label table`);
      checkLabel(entry.label);
      if (index.slotOf.has(entry.label)) throw new RangeError(`Duplicate label ${entry.label}`);
      index.slotOf.set(entry.label, slot);
      index.labels[slot] = entry.label;
      if (entry.hidden) index.hidden.add(entry.label);
    }
    return index;
  }

  get size(): number {
    return this.slotOf.size;
  }

  upsert(label: number, vector: Float32Array): void {
    checkLabel(label);
    checkVector(vector, this.dimensions);
    let slot = this.slotOf.get(label);
    if (slot === undefined) {
      slot = this.slotOf.size;
      if (slot === this.labels.length) this.grow();
      this.slotOf.set(label, slot);
      this.labels[slot] = label;
    }
    normaliseInto(vector, this.vectors, slot * this.dimensions);
  }

  remove(label: number): void {
    const slot = this.slotOf.get(label);
    if (slot === undefined) return;
    // Keep rows contiguous so the scan never skips holes: move the last row into the gap.
    const last = this.slotOf.size - 1;
    if (slot !== last) {
      const dim = this.dimensions;
      this.vectors.copyWithin(slot * dim, last * dim, (last + 1) * dim);
      const movedLabel = this.labels[last]!;
      this.labels[slot] = movedLabel;
      this.slotOf.set(movedLabel, slot);
    }
    this.slotOf.delete(label);
    this.hidden.delete(label);
  }

  setHidden(label: number, hidden: boolean): void {
    if (!this.slotOf.has(label)) return;
    if (hidden) this.hidden.add(label);
    else this.hidden.delete(label);
  }

  search(
    query: Float32Array,
    k: number,
    filter?: (label: number) => boolean,
    options: VectorSearchOptions = {},
  ): VectorHit[] {
    checkVector(query, this.dimensions);
    const hidden = options.includeHidden || this.hidden.size === 0 ? null : this.hidden;
    const n = this.slotOf.size;
    const limit = Math.min(Math.floor(k), n);
    if (!(limit > 0)) return [];
    const q = new Float32Array(this.dimensions);
    normaliseInto(query, q);
    const top = new TopK(limit);
    const dim = this.dimensions;
    const data = this.vectors;
    const tail = dim - (dim % 4);
    for (let slot = 0, base = 0; slot < n; slot++, base += dim) {
      // Four accumulators break the dependency chain so the JIT can overlap the multiply-adds.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i < tail; i += 4) {
        s0 += q[i]! * data[base + i]!;
        s1 += q[i + 1]! * data[base + i + 1]!;
        s2 += q[i + 2]! * data[base + i + 2]!;
        s3 += q[i + 3]! * data[base + i + 3]!;
      }
      for (; i < dim; i++) s0 += q[i]! * data[base + i]!;
      const score = s0 + s1 + s2 + s3;
      if (!top.admits(score)) continue;
      const label = this.labels[slot]!;
      // Filtering only candidates that would enter keeps caller callbacks off the hot path.
      if (hidden?.has(label) || (filter && !filter(label))) continue;
      top.push(score, label);
    }
    return top.drain().map(({ label, score }) => ({ label, similarity: score }));
  }

  /** Writes the live rows' vectors in slot order; the label table marks hidden labels. */
  async save(file: string): Promise<SavedVectorIndex> {
    // Copied before the first await: writes made while the file is written must not reach it half-way.
    const n = this.slotOf.size;
    const labels = this.labels.slice(0, n);
    for (let slot = 0; slot < n; slot++) if (this.hidden.has(labels[slot]!)) labels[slot] = hiddenEntry(labels[slot]!);
    const vectors = this.vectors.slice(0, n * this.dimensions);
    await fs.writeFile(file, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
    return { labels, params: null };
  }

  private grow(): void {
    const capacity = this.labels.length * 2;
    const vectors = new Float32Array(capacity * this.dimensions);
    vectors.set(this.vectors);
    const labels = new Float64Array(capacity);
    labels.set(this.labels);
    this.vectors = vectors;
    this.labels = labels;
  }
}
