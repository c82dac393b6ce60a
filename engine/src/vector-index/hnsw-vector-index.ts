import hnswlib from 'hnswlib-node';
import {
  FREE_SLOT,
  hiddenEntry,
  readEntry,
  type SavedVectorIndex,
  type VectorHit,
  type VectorIndex,
  type VectorSearchOptions,
} from './vector-index.js';
import { checkLabel, checkVector } from './vector-math.js';
import { hnswFileProblem } from './hnsw-file.js';

export interface HnswParams {
  /** Graph degree: more links, better recall, more memory and slower inserts. */
  m: number;
  /** Candidate list size while inserting: graph quality vs build time. */
  efConstruction: number;
  /** Candidate list size while searching, as tuned at 100k vectors (see `searchEf`): recall vs latency. */
  efSearch: number;
}

export interface HnswOptions extends HnswParams {
  /** Slots allocated up front; the index doubles when full. */
  initialCapacity?: number;
  /** Level generator seed, so builds from the same inserts give the same graph. */
  randomSeed?: number;
}

/** Graph size at which efSearch was measured (bench/index.md). */
const EF_REFERENCE_SIZE = 100_000;

/**
 * The ef a search starts with: efSearch up to the reference size, then growing with the three-quarter
 * power of the graph size (×5.6 at 1M), and never below k. A fixed ef loses recall as the graph grows. On
 * the demo mentor vectors (m 32, efConstruction 400) the ef that holds recall@10 at 0.989-0.996 grew 7.1x
 * from 100k to 1M (ef 200 / 300 at 100k against 1,423 / 2,134 at 1M: N^0.85), but about N^0.5 from 50k to
 * 100k (ef 200 at 50k, 0.993; ef 300 at 100k, 0.994). Sources: bench/index-50k.md, index.md, index-1m-ef-sweep.md.
 * The three-quarter power lies between them: ef 300 becomes 1,687 at 1M, with recall@10 0.993 (p5 1) at p50
 * 11.6 ms against the exact scan's 1,058 ms (bench/index-1m.md).
 */
export function searchEf(efSearch: number, graphSize: number, k: number): number {
  const scale = Math.max(1, graphSize / EF_REFERENCE_SIZE) ** 0.75;
  return Math.max(Math.round(efSearch * scale), k);
}

/**
 * Approximate cosine index on hnswlib. hnswlib labels are our own dense slot numbers, not row ids:
 * the binding truncates labels to uint32 while mentor ids are bigserial, and a slot table is what a
 * snapshot needs to restore row ids anyway. Removed slots stay in the graph marked deleted and are
 * handed to the next new row, which hnswlib treats as an in-place update (its own replace-deleted
 * mechanism), so churn does not grow the index.
 *
 * Labels can also be hidden (for inactive mentors): marked deleted in the graph as well, so that a search
 * leaves them out without a filter. hnswlib checks the deleted mark and a filter at the same point of its
 * walk, so the hits are identical to filtering them out, but a filter is a call into JavaScript per
 * visited node, which doubled search time at 100k vectors.
 */
export class HnswVectorIndex implements VectorIndex {
  readonly kind = 'hnsw';
  /** Building the graph again took minutes at 100k vectors; reading it back, a second (bench/index.md). */
  readonly worthSaving = true;
  private readonly buildParams: Pick<HnswParams, 'm' | 'efConstruction'>;
  private efSearch: number;
  private readonly slotOf = new Map<number, number>();
  private readonly freeSlots: number[] = [];
  /** Slots ever handed to hnswlib; equals its element count. */
  private usedSlots = 0;
  /** Live slots marked deleted in the graph because their label is hidden. */
  private readonly hiddenSlots = new Set<number>();
  /**
   * Changes that arrive while `save` runs, applied in order when it ends (null when no write runs):
   * hnswlib writes from another thread, straight from the graph's memory.
   */
  private deferred: (() => void)[] | null = null;

  private constructor(
    readonly dimensions: number,
    params: HnswParams,
    private readonly graph: hnswlib.HierarchicalNSW,
    /** slot → row id, FREE_SLOT for removed rows; as long as the graph's capacity. */
    private slotLabels: Float64Array,
  ) {
    this.buildParams = { m: params.m, efConstruction: params.efConstruction };
    this.efSearch = params.efSearch;
    graph.setEf(params.efSearch);
  }

  get params(): HnswParams {
    return { ...this.buildParams, efSearch: this.efSearch };
  }

  /** Search-time only, so it can change on a built or loaded index (benchmarks sweep it). */
  setEfSearch(ef: number): void {
    if (!Number.isInteger(ef) || ef < 1) throw new RangeError(`efSearch must be a positive integer, got ${ef}`);
    this.efSearch = ef;
    this.graph.setEf(ef);
  }

  static create(dimensions: number, options: HnswOptions): HnswVectorIndex {
    if (!Number.isInteger(dimensions) || dimensions < 1)
      throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
    const graph = newGraph(dimensions);
    const capacity = Math.max(16, options.initialCapacity ?? 1024);
    graph.initIndex({
      maxElements: capacity,
      m: options.m,
      efConstruction: options.efConstruction,
      randomSeed: options.randomSeed ?? 100,
    });
    return new HnswVectorIndex(dimensions, options, graph, new Float64Array(capacity).fill(FREE_SLOT));
  }

  /**
   * Restores an index written by `save`; `slotLabels` is the label table it returned. Throws if the two
   * disagree, so a mismatched pair is never served. The file must be intact (hnswlib trusts its contents),
   * which the snapshot's checksum establishes first. A graph file keeps hidden slots marked deleted, and
   * only the table tells them from removed ones.
   */
  static load(path: string, dimensions: number, params: HnswParams, slotLabels: Float64Array): HnswVectorIndex {
    // A fresh, uninitialised graph: readIndexSync frees an existing one and would leave it dangling on failure.
    const graph = newGraph(dimensions);
    graph.readIndexSync(path);
    if (graph.getNumDimensions() !== dimensions) {
      throw new RangeError(`Graph has ${graph.getNumDimensions()} dimensions, expected ${dimensions}`);
    }
    const used = graph.getCurrentCount();
    if (used !== slotLabels.length) throw new RangeError(`Graph holds ${used} slots, label table ${slotLabels.length}`);
    const labels = new Float64Array(graph.getMaxElements()).fill(FREE_SLOT);
    labels.set(slotLabels);
    const index = new HnswVectorIndex(dimensions, params, graph, labels);
    index.usedSlots = used;
    for (let slot = 0; slot < used; slot++) {
      const entry = readEntry(slotLabels[slot]!);
      if (!entry) {
        index.freeSlots.push(slot);
        continue;
      }
      const { label, hidden } = entry;
      checkLabel(label);
      if (index.slotOf.has(label)) throw new RangeError(`Duplicate label ${label}`);
      index.slotOf.set(label, slot);
      labels[slot] = label;
      if (hidden) {
        // Written marked deleted, unless a search that included hidden labels had them shown just then.
        // Unmarking first means only that rare case throws (hnswlib refuses to mark a slot twice).
        try {
          graph.unmarkDelete(slot);
        } catch {
          // It was live in the file.
        }
        graph.markDelete(slot);
        index.hiddenSlots.add(slot);
      }
    }
    return index;
  }

  get size(): number {
    return this.slotOf.size;
  }

  upsert(label: number, vector: Float32Array): void {
    checkLabel(label);
    checkVector(vector, this.dimensions);
    const point = Array.from(vector);
    this.change(() => this.insert(label, point));
  }

  private insert(label: number, point: number[]): void {
    const existing = this.slotOf.get(label);
    if (existing !== undefined) {
      // Same label on a live element: hnswlib moves the point and repairs its neighbourhood, and
      // unmarks it if it was marked deleted, so a hidden label is marked again.
      this.graph.addPoint(point, existing);
      if (this.hiddenSlots.has(existing)) this.graph.markDelete(existing);
      return;
    }
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.usedSlots === this.graph.getMaxElements()) this.grow();
      slot = this.usedSlots++;
    }
    // On a deleted slot hnswlib unmarks it and updates it in place.
    this.graph.addPoint(point, slot);
    this.slotLabels[slot] = label;
    this.slotOf.set(label, slot);
  }

  remove(label: number): void {
    this.change(() => this.delete(label));
  }

  private delete(label: number): void {
    const slot = this.slotOf.get(label);
    if (slot === undefined) return;
    if (!this.hiddenSlots.delete(slot)) this.graph.markDelete(slot);
    this.slotOf.delete(label);
    this.slotLabels[slot] = FREE_SLOT;
    this.freeSlots.push(slot);
  }

  setHidden(label: number, hidden: boolean): void {
    this.change(() => this.hide(label, hidden));
  }

  private hide(label: number, hidden: boolean): void {
    const slot = this.slotOf.get(label);
    if (slot === undefined || this.hiddenSlots.has(slot) === hidden) return;
    if (hidden) {
      this.graph.markDelete(slot);
      this.hiddenSlots.add(slot);
    } else {
      this.graph.unmarkDelete(slot);
      this.hiddenSlots.delete(slot);
    }
  }

  /**
   * Nearest `k` labels that pass `filter`; hidden labels take part only with `includeHidden`, which
   * unmarks them for the duration of the search (one call into hnswlib per hidden label, each way).
   */
  search(
    query: Float32Array,
    k: number,
    filter?: (label: number) => boolean,
    options: VectorSearchOptions = {},
  ): VectorHit[] {
    if (options.includeHidden && this.hiddenSlots.size > 0)
      return this.withHiddenShown(() => this.search(query, k, filter));
    checkVector(query, this.dimensions);
    const limit = Math.min(Math.floor(k), this.slotOf.size);
    if (!(limit > 0)) return [];
    const point = Array.from(query);
    const labels = this.slotLabels;
    const slotFilter = filter ? (slot: number) => filter(labels[slot]!) : undefined;
    // Deleted slots and filtered-out labels are walked but never fill the candidate list, so a search
    // can come back short. Widen ef until it has k hits or has walked every slot (then it is exhaustive
    // over the graph and a short answer means fewer than k labels pass the filter).
    let ef = searchEf(this.efSearch, this.usedSlots, limit);
    let result = this.searchWithEf(point, limit, ef, slotFilter);
    while (result.neighbors.length < limit && ef < this.usedSlots) {
      ef = Math.min(ef * 4, this.usedSlots);
      result = this.searchWithEf(point, limit, ef, slotFilter);
    }
    return result.neighbors.map((slot, i) => ({ label: labels[slot]!, similarity: 1 - result.distances[i]! }));
  }

  /** Applies a change to the graph now, or after the running `save`. */
  private change(apply: () => void): void {
    if (this.deferred) this.deferred.push(apply);
    else apply();
  }

  /**
   * Writes the graph (vectors included) to `path` on a libuv thread, and returns the slot table of the
   * state written, taken when called. Searches go on meanwhile and see that state: upserts, removals and
   * hiding wait until the write ends (at 100k mentors the synchronous write stalled the event loop
   * 160-660 ms). Hidden labels stay hidden in the file; the slot table records them.
   */
  async save(path: string): Promise<SavedVectorIndex> {
    if (this.deferred) throw new Error('A graph write is already running');
    const saved = { labels: this.slotTable(), params: this.params };
    this.deferred = [];
    let failure: unknown = null;
    try {
      await this.graph.writeIndex(path);
      const problem = await hnswFileProblem(path, saved.labels.length);
      if (problem) throw new Error(`The graph was not written whole to ${path}: ${problem}`);
    } catch (error) {
      failure = error;
    }
    const changes = this.deferred;
    this.deferred = null;
    // Every change is applied even if one throws: they have already been committed by their owners.
    for (const apply of changes) {
      try {
        apply();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure) throw failure;
    return saved;
  }

  private withHiddenShown<T>(fn: () => T): T {
    for (const slot of this.hiddenSlots) this.graph.unmarkDelete(slot);
    try {
      return fn();
    } finally {
      for (const slot of this.hiddenSlots) this.graph.markDelete(slot);
    }
  }

  /** Per hnswlib slot: the row id, −1 for a removed slot, `hiddenEntry(row id)` for a hidden one. A copy. */
  private slotTable(): Float64Array {
    const table = this.slotLabels.slice(0, this.usedSlots);
    for (const slot of this.hiddenSlots) table[slot] = hiddenEntry(table[slot]!);
    return table;
  }

  private searchWithEf(
    point: number[],
    k: number,
    ef: number,
    filter?: (slot: number) => boolean,
  ): hnswlib.SearchResult {
    if (ef === this.efSearch) return this.graph.searchKnn(point, k, filter);
    this.graph.setEf(ef);
    try {
      return this.graph.searchKnn(point, k, filter);
    } finally {
      this.graph.setEf(this.efSearch);
    }
  }

  private grow(): void {
    const capacity = this.graph.getMaxElements() * 2;
    this.graph.resizeIndex(capacity);
    const labels = new Float64Array(capacity).fill(FREE_SLOT);
    labels.set(this.slotLabels);
    this.slotLabels = labels;
  }
}

// 'cosine' is hnswlib's inner-product space plus normalising every vector and query on the way in.
// Vectors arrive normalised already, so that costs one pass over the floats, and it guarantees that
// 1 - distance really is cosine similarity even for a slightly off-norm vector.
function newGraph(dimensions: number): hnswlib.HierarchicalNSW {
  return new hnswlib.HierarchicalNSW('cosine', dimensions);
}
