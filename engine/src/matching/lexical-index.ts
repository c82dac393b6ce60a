import { indexTerms } from './text-analysis.js';

export interface LexicalHit {
  /** The mentor's rowId. */
  id: number;
  /** Okapi BM25. */
  score: number;
}

export interface LexicalDocument {
  headline: string;
  bio: string;
  skills: readonly string[];
}

export interface LexicalIndexOptions {
  /** BM25's term-frequency saturation. */
  k1?: number;
  /** BM25's length normalisation. */
  b?: number;
}

/** One term's documents: parallel slot and term-frequency arrays, the first `length` entries in use. */
interface Postings {
  slots: Uint32Array;
  tfs: Uint32Array;
  length: number;
}

function appendPosting(p: Postings, slot: number, tf: number): void {
  if (p.length === p.slots.length) {
    const slots = new Uint32Array(p.length * 2);
    const tfs = new Uint32Array(p.length * 2);
    slots.set(p.slots);
    tfs.set(p.tfs);
    p.slots = slots;
    p.tfs = tfs;
  }
  p.slots[p.length] = slot;
  p.tfs[p.length] = tf;
  p.length++;
}

/** The text a mentor is found by lexically: the same fields that are embedded. */
function lexicalText(doc: LexicalDocument): string {
  return `${doc.headline}\n${doc.bio}\n${doc.skills.join('\n')}`;
}

/**
 * In-memory term index over mentor text with postings lists, so a query only touches the documents that
 * share a term with it. Documents are keyed by mentor rowId and can be added, replaced and removed. It
 * answers two questions from the same postings: which documents rank best by Okapi BM25 (`search`, candidate
 * retrieval), and how close a given document's TF-IDF vector is to the question's (`cosineDocuments`, the
 * lexical signal). Query terms are deduplicated: a question repeating a word does not weigh it twice.
 */
export class LexicalIndex {
  readonly k1: number;
  readonly b: number;
  private readonly termIds = new Map<string, number>();
  private readonly postings: Postings[] = [];
  private readonly idToSlot = new Map<number, number>();
  private readonly slotIds: number[] = [];
  private readonly slotLengths: number[] = [];
  /** Per slot: sorted term ids and their frequencies; null for a free slot. */
  private readonly slotTerms: (Uint32Array | null)[] = [];
  private readonly slotTfs: (Uint32Array | null)[] = [];
  private readonly freeSlots: number[] = [];
  private totalLength = 0;
  /** Bumped by every write: N, df and the average length, hence the caches below, depend on all documents. */
  private version = 0;
  /** Per slot, k1 · (1 − b + b · length / avgLength), for `version`. */
  private lengthNorms: { version: number; values: Float64Array } | null = null;
  /** Per slot, the TF-IDF norm for `cosineDocuments`, NaN until first asked for in `version`. */
  private tfidfNorms: { version: number; values: Float64Array } | null = null;
  private scratch = new Float64Array(0);
  private touched = new Uint32Array(0);
  /** Per-term counts while one document is being added; all zero between calls. */
  private termCounts = new Uint32Array(0);

  constructor(options: LexicalIndexOptions = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  get size(): number {
    return this.idToSlot.size;
  }

  upsert(id: number, doc: LexicalDocument | string): void {
    this.remove(id);
    const terms = indexTerms(typeof doc === 'string' ? doc : lexicalText(doc));
    const distinct: number[] = [];
    for (const term of terms) {
      let termId = this.termIds.get(term);
      if (termId === undefined) {
        termId = this.postings.length;
        this.termIds.set(term, termId);
        this.postings.push({ slots: new Uint32Array(4), tfs: new Uint32Array(4), length: 0 });
      }
      if (termId >= this.termCounts.length) {
        const grown = new Uint32Array(Math.max(1024, this.postings.length * 2));
        grown.set(this.termCounts);
        this.termCounts = grown;
      }
      if (this.termCounts[termId] === 0) distinct.push(termId);
      this.termCounts[termId]! += 1;
    }
    const slot = this.freeSlots.pop() ?? this.slotIds.length;
    const ids = Uint32Array.from(distinct).sort();
    const tfs = new Uint32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const termId = ids[i]!;
      tfs[i] = this.termCounts[termId]!;
      this.termCounts[termId] = 0;
      appendPosting(this.postings[termId]!, slot, tfs[i]!);
    }
    this.slotIds[slot] = id;
    this.slotLengths[slot] = terms.length;
    this.slotTerms[slot] = ids;
    this.slotTfs[slot] = tfs;
    this.idToSlot.set(id, slot);
    this.totalLength += terms.length;
    this.version++;
  }

  remove(id: number): boolean {
    const slot = this.idToSlot.get(id);
    if (slot === undefined) return false;
    for (const termId of this.slotTerms[slot]!) {
      const p = this.postings[termId]!;
      const at = p.slots.subarray(0, p.length).indexOf(slot);
      // Order within a postings list does not matter: move the last entry into the gap.
      p.length--;
      p.slots[at] = p.slots[p.length]!;
      p.tfs[at] = p.tfs[p.length]!;
    }
    this.totalLength -= this.slotLengths[slot]!;
    this.slotTerms[slot] = null;
    this.slotTfs[slot] = null;
    this.idToSlot.delete(id);
    this.freeSlots.push(slot);
    this.version++;
    return true;
  }

  private queryTermIds(query: string): number[] {
    const ids = new Set<number>();
    for (const term of indexTerms(query)) {
      const id = this.termIds.get(term);
      if (id !== undefined && this.postings[id]!.length > 0) ids.add(id);
    }
    return [...ids];
  }

  /** How many documents hold `term` (an index term: stemmed, as indexTerms gives it). */
  documentFrequency(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.postings[id]!.length;
  }

  /** Lucene's non-negative idf. */
  private idf(termId: number): number {
    const n = this.postings[termId]!.length;
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  /** Every search touches thousands of documents at 100k mentors; their length factor changes only with writes. */
  private slotLengthNorms(): Float64Array {
    if (this.lengthNorms?.version !== this.version) {
      const avgLength = this.totalLength / this.size;
      const values =
        this.lengthNorms?.values.length === this.slotIds.length
          ? this.lengthNorms.values
          : new Float64Array(this.slotIds.length);
      for (let slot = 0; slot < values.length; slot++) {
        if (this.slotTerms[slot])
          values[slot] = this.k1 * (1 - this.b + (this.b * this.slotLengths[slot]!) / avgLength);
      }
      this.lengthNorms = { version: this.version, values };
    }
    return this.lengthNorms.values;
  }

  /** Top `k` documents by BM25, best first; ties broken by id ascending. */
  search(query: string, k: number, filter?: (id: number) => boolean): LexicalHit[] {
    if (k <= 0 || this.size === 0) return [];
    const termIds = this.queryTermIds(query);
    if (termIds.length === 0) return [];
    if (this.scratch.length < this.slotIds.length) {
      this.scratch = new Float64Array(this.slotIds.length * 2);
      this.touched = new Uint32Array(this.slotIds.length * 2);
    }
    const scores = this.scratch;
    const touched = this.touched;
    let touchedCount = 0;
    const norms = this.slotLengthNorms();
    const k1Plus1 = this.k1 + 1;
    for (const termId of termIds) {
      const idf = this.idf(termId);
      const { slots, tfs, length } = this.postings[termId]!;
      for (let i = 0; i < length; i++) {
        const slot = slots[i]!;
        const tf = tfs[i]!;
        const before = scores[slot]!;
        // Every term score is positive, so 0 means not seen yet.
        if (before === 0) touched[touchedCount++] = slot;
        // BM25's term score; norms[slot] is k1 · (1 − b + b · length / avgLength).
        scores[slot] = before + (idf * tf * k1Plus1) / (tf + norms[slot]!);
      }
    }
    // Bounded insertion into a sorted top list: most documents fail the threshold check.
    const top: LexicalHit[] = [];
    for (let t = 0; t < touchedCount; t++) {
      const slot = touched[t]!;
      const score = scores[slot]!;
      scores[slot] = 0;
      const id = this.slotIds[slot]!;
      if (top.length === k) {
        const worst = top[k - 1]!;
        if (score < worst.score || (score === worst.score && id > worst.id)) continue;
      }
      if (filter && !filter(id)) continue;
      let at = top.length;
      while (at > 0 && (top[at - 1]!.score < score || (top[at - 1]!.score === score && top[at - 1]!.id > id))) at--;
      top.splice(at, 0, { id, score });
      if (top.length > k) top.pop();
    }
    return top;
  }

  /** scikit-learn's smoothed idf, ln((1 + N) / (1 + df)) + 1: a term no document has still weighs the question. */
  private smoothIdf(documentFrequency: number): number {
    return Math.log((1 + this.size) / (1 + documentFrequency)) + 1;
  }

  /** The norm of the slot's TF-IDF vector, kept until the next write (it depends on every term's df and on N). */
  private tfidfNorm(slot: number): number {
    if (this.tfidfNorms?.version !== this.version) {
      const reuse = this.tfidfNorms?.values.length === this.slotIds.length;
      this.tfidfNorms = {
        version: this.version,
        values: (reuse ? this.tfidfNorms!.values : new Float64Array(this.slotIds.length)).fill(NaN),
      };
    }
    const cached = this.tfidfNorms.values[slot]!;
    if (!Number.isNaN(cached)) return cached;
    const terms = this.slotTerms[slot]!;
    const tfs = this.slotTfs[slot]!;
    let sumOfSquares = 0;
    for (let i = 0; i < terms.length; i++) {
      const weight = (1 + Math.log(tfs[i]!)) * this.smoothIdf(this.postings[terms[i]!]!.length);
      sumOfSquares += weight * weight;
    }
    const norm = Math.sqrt(sumOfSquares);
    this.tfidfNorms.values[slot] = norm;
    return norm;
  }

  /**
   * Cosine of the TF-IDF vectors (sublinear tf 1 + ln tf, smoothed idf) of the question and each given
   * document, in [0, 1]; 0 for an unknown document. Unlike BM25 it is bounded and needs no per-question
   * normalisation, so a mentor's value for one question is comparable with its value for another.
   * Question terms no document contains count in the question's norm: a question mostly about things no
   * mentor mentions matches nobody well.
   */
  cosineDocuments(query: string, ids: Iterable<number>): Map<number, number> {
    const result = new Map<number, number>();
    const counts = new Map<string, number>();
    for (const term of indexTerms(query)) counts.set(term, (counts.get(term) ?? 0) + 1);
    const known: { termId: number; weight: number; idf: number }[] = [];
    let queryNorm = 0;
    for (const [term, count] of counts) {
      const termId = this.termIds.get(term);
      const df = termId === undefined ? 0 : this.postings[termId]!.length;
      const idf = this.smoothIdf(df);
      const weight = (1 + Math.log(count)) * idf;
      queryNorm += weight * weight;
      if (df > 0) known.push({ termId: termId!, weight, idf });
    }
    queryNorm = Math.sqrt(queryNorm);
    for (const id of ids) {
      const slot = this.idToSlot.get(id);
      if (slot === undefined || known.length === 0) {
        result.set(id, 0);
        continue;
      }
      const terms = this.slotTerms[slot]!;
      const tfs = this.slotTfs[slot]!;
      const docNorm = this.tfidfNorm(slot);
      let product = 0;
      for (const { termId, weight, idf } of known) {
        const at = binarySearch(terms, termId);
        if (at >= 0) product += weight * (1 + Math.log(tfs[at]!)) * idf;
      }
      result.set(id, docNorm > 0 ? Math.min(1, product / (queryNorm * docNorm)) : 0);
    }
    return result;
  }
}

function binarySearch(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
