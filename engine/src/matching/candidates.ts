/** One mentor retrieved by either list; ranks are 1-based, null when the list did not return it. */
export interface RetrievedCandidate {
  id: number;
  vectorRank: number | null;
  lexicalRank: number | null;
  similarity: number | null;
  bm25: number | null;
}

/**
 * Union of the nearest-neighbour list and the BM25 list, so exact terms the embedding blurs ("GDPR", "IVF")
 * still reach ranking. Ordered by best rank in either list, then by vector rank, then id; duplicates within a
 * list keep their first (best) rank.
 */
export function mergeCandidates(
  vectorHits: readonly { label: number; similarity: number }[],
  lexicalHits: readonly { id: number; score: number }[],
): RetrievedCandidate[] {
  const byId = new Map<number, RetrievedCandidate>();
  const entry = (id: number): RetrievedCandidate => {
    let e = byId.get(id);
    if (!e) {
      e = { id, vectorRank: null, lexicalRank: null, similarity: null, bm25: null };
      byId.set(id, e);
    }
    return e;
  };
  vectorHits.forEach((hit, i) => {
    const e = entry(hit.label);
    if (e.vectorRank === null) Object.assign(e, { vectorRank: i + 1, similarity: hit.similarity });
  });
  lexicalHits.forEach((hit, i) => {
    const e = entry(hit.id);
    if (e.lexicalRank === null) Object.assign(e, { lexicalRank: i + 1, bm25: hit.score });
  });
  const best = (e: RetrievedCandidate): number => Math.min(e.vectorRank ?? Infinity, e.lexicalRank ?? Infinity);
  return [...byId.values()].sort(
    (a, b) => best(a) - best(b) || (a.vectorRank ?? Infinity) - (b.vectorRank ?? Infinity) || a.id - b.id,
  );
}
