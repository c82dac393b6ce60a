import { dotInt8 } from '../vector-index/int8-vectors.js';
import { passageCount, type PassageVectors } from '../vector-index/snapshot-passages.js';
import type { MentorOutcomeStats } from './signals.js';
import type { CandidateInput, MatchMentor, PassageSimilarity } from './types.js';

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

/** The question's similarity with each passage of a mentor, with the passage's place in the bio. */
export function passageSimilarities(query: Float32Array, stored: PassageVectors): PassageSimilarity[] {
  const out: PassageSimilarity[] = [];
  for (let i = 0; i < passageCount(stored); i++) {
    out.push({ start: stored.spans[2 * i]!, end: stored.spans[2 * i + 1]!, similarity: dotInt8(query, stored, i + 1) });
  }
  return out;
}

/** What the matcher is given of the mentors retrieval found, beside the question. */
export interface CandidateSources {
  mentors: ReadonlyMap<number, MatchMentor>;
  /** Row 0 the mentor vector, then one per bio passage (snapshot-passages.ts). */
  passages: ReadonlyMap<number, PassageVectors>;
  /** The question's vector; null when ranking is lexical only. */
  queryVector: Float32Array | null;
  /** TF-IDF cosine of the question with each candidate. */
  lexical: ReadonlyMap<number, number>;
  sessionsThisMonth: ReadonlyMap<number, number>;
  shown: ReadonlyMap<number, number>;
  /** Each mentor's record of answers and ratings; a mentor missing has none. */
  outcomes: ReadonlyMap<number, MentorOutcomeStats>;
}

/**
 * The signals of each retrieved mentor, in retrieval order; a mentor removed since retrieval is left out. A
 * mentor only the lexical list found gets its whole similarity from its stored mentor vector.
 */
export function candidateInputs(retrieved: readonly RetrievedCandidate[], from: CandidateSources): CandidateInput[] {
  const { queryVector } = from;
  const candidates: CandidateInput[] = [];
  for (const c of retrieved) {
    const mentor = from.mentors.get(c.id);
    const stored = from.passages.get(c.id);
    if (!mentor || !stored) continue;
    candidates.push({
      mentor,
      wholeSimilarity: queryVector ? (c.similarity ?? dotInt8(queryVector, stored, 0)) : null,
      passageSimilarities: queryVector ? passageSimilarities(queryVector, stored) : [],
      lexicalSimilarity: from.lexical.get(c.id) ?? 0,
      servedThisMonth: from.sessionsThisMonth.get(c.id) ?? 0,
      shownRecently: from.shown.get(c.id) ?? 0,
      outcomes: from.outcomes.get(c.id) ?? null,
    });
  }
  return candidates;
}
