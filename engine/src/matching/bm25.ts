import { indexTerms } from './text-analysis.js';

export interface Bm25Hit {
  /** The mentor's rowId. */
  id: number;
  score: number;
}

export interface Bm25Document {
  headline: string;
  bio: string;
  skills: readonly string[];
}

export interface Bm25Options {
  k1?: number;
  b?: number;
}

interface Postings {
  slots: number[];
  tfs: number[];
}

/** The text a mentor is found by lexically: the same fields that are embedded. */
export function bm25Text(doc: Bm25Document): string {
  return `${doc.headline}\n${doc.bio}\n${doc.skills.join('\n')}`;
}

/**
 * In-memory Okapi BM25 over mentor text with postings lists, so a query only touches the documents that
 * share a term with it. Documents are keyed by mentor rowId and can be added, replaced and removed.
 * Query terms are deduplicated: a question repeating a word does not weigh it twice.
 */
export class Bm25Index {
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
  private scratch = new Float64Array(0);
  /** Per-term counts while one document is being added; all zero between calls. */
  private termCounts = new Uint32Array(0);

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  get size(): number {
    return this.idToSlot.size;
  }

  has(id: number): boolean {
    return this.idToSlot.has(id);
  }

  upsert(id: number, doc: Bm25Document | string): void {
    this.remove(id);
    const terms = indexTerms(typeof doc === 'string' ? doc : bm25Text(doc));
    const distinct: number[] = [];
    for (const term of terms) {
      let termId = this.termIds.get(term);
      if (termId === undefined) {
        termId = this.postings.length;
        this.termIds.set(term, termId);
        this.postings.push({ slots: [], tfs: [] });
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
      const p = this.postings[termId]!;
      p.slots.push(slot);
      p.tfs.push(tfs[i]!);
    }
    this.slotIds[slot] = id;
    this.slotLengths[slot] = terms.length;
    this.slotTerms[slot] = ids;
    this.slotTfs[slot] = tfs;
    this.idToSlot.set(id, slot);
    this.totalLength += terms.length;
  }

  remove(id: number): boolean {
    const slot = this.idToSlot.get(id);
    if (slot === undefined) return false;
    for (const termId of this.slotTerms[slot]!) {
      const p = this.postings[termId]!;
      const at = p.slots.indexOf(slot);
      // Order within a postings list does not matter: swap with the last entry and pop.
      p.slots[at] = p.slots[p.slots.length - 1]!;
      p.tfs[at] = p.tfs[p.tfs.length - 1]!;
      p.slots.pop();
      p.tfs.pop();
    }
    this.totalLength -= this.slotLengths[slot]!;
    this.slotTerms[slot] = null;
    this.slotTfs[slot] = null;
    this.idToSlot.delete(id);
    this.freeSlots.push(slot);
    return true;
  }

  private queryTermIds(query: string): number[] {
    const ids = new Set<number>();
    for (const term of indexTerms(query)) {
      const id = this.termIds.get(term);
      if (id !== undefined && this.postings[id]!.slots.length > 0) ids.add(id);
    }
    return [...ids];
  }

  /** Lucene's non-negative idf. */
  private idf(termId: number): number {
    const n = this.postings[termId]!.slots.length;
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  private termScore(idf: number, tf: number, length: number, avgLength: number): number {
    return (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * length) / avgLength));
  }

  /** Top `k` documents by BM25, best first; ties broken by id ascending. */
  search(query: string, k: number, filter?: (id: number) => boolean): Bm25Hit[] {
    if (k <= 0 || this.size === 0) return [];
    const termIds = this.queryTermIds(query);
    if (termIds.length === 0) return [];
    if (this.scratch.length < this.slotIds.length) this.scratch = new Float64Array(this.slotIds.length * 2);
    const scores = this.scratch;
    const touched: number[] = [];
    const avgLength = this.totalLength / this.size;
    for (const termId of termIds) {
      const idf = this.idf(termId);
      const { slots, tfs } = this.postings[termId]!;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        if (scores[slot] === 0) touched.push(slot);
        scores[slot]! += this.termScore(idf, tfs[i]!, this.slotLengths[slot]!, avgLength);
      }
    }
    // Bounded insertion into a sorted top list: most documents fail the threshold check.
    const top: Bm25Hit[] = [];
    for (const slot of touched) {
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

  /** BM25 of each given document (0 when it shares no term or is unknown). */
  scoreDocuments(query: string, ids: Iterable<number>): Map<number, number> {
    const result = new Map<number, number>();
    const termIds = this.queryTermIds(query);
    const idfs = termIds.map((t) => this.idf(t));
    const avgLength = this.size ? this.totalLength / this.size : 1;
    for (const id of ids) {
      const slot = this.idToSlot.get(id);
      let score = 0;
      if (slot !== undefined) {
        const terms = this.slotTerms[slot]!;
        const tfs = this.slotTfs[slot]!;
        for (let q = 0; q < termIds.length; q++) {
          const at = binarySearch(terms, termIds[q]!);
          if (at >= 0) score += this.termScore(idfs[q]!, tfs[at]!, this.slotLengths[slot]!, avgLength);
        }
      }
      result.set(id, score);
    }
    return result;
  }

  /** scikit-learn's smoothed idf, ln((1 + N) / (1 + df)) + 1: a term no document has still weighs the question. */
  private smoothIdf(documentFrequency: number): number {
    return Math.log((1 + this.size) / (1 + documentFrequency)) + 1;
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
    const known: { termId: number; weight: number }[] = [];
    let queryNorm = 0;
    for (const [term, count] of counts) {
      const termId = this.termIds.get(term);
      const df = termId === undefined ? 0 : this.postings[termId]!.slots.length;
      const weight = (1 + Math.log(count)) * this.smoothIdf(df);
      queryNorm += weight * weight;
      if (df > 0) known.push({ termId: termId!, weight });
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
      let docNorm = 0;
      for (let i = 0; i < terms.length; i++) {
        const weight = (1 + Math.log(tfs[i]!)) * this.smoothIdf(this.postings[terms[i]!]!.slots.length);
        docNorm += weight * weight;
      }
      let product = 0;
      for (const { termId, weight } of known) {
        const at = binarySearch(terms, termId);
        if (at >= 0) product += weight * (1 + Math.log(tfs[at]!)) * this.smoothIdf(this.postings[termId]!.slots.length);
      }
      result.set(id, docNorm > 0 ? Math.min(1, product / (queryNorm * Math.sqrt(docNorm))) : 0);
    }
    return result;
  }

  /** Stemmed query terms that occur in the document. */
  matchedTerms(query: string, id: number): string[] {
    const slot = this.idToSlot.get(id);
    if (slot === undefined) return [];
    const terms = this.slotTerms[slot]!;
    const matched: string[] = [];
    const seen = new Set<string>();
    for (const term of indexTerms(query)) {
      if (seen.has(term)) continue;
      seen.add(term);
      const termId = this.termIds.get(term);
      if (termId !== undefined && binarySearch(terms, termId) >= 0) matched.push(term);
    }
    return matched;
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
