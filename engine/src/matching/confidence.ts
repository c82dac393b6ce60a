import type { ScoredCandidate } from './ranker.js';

/** How sure the ranking is that its best mentors are about the question (issue 23). */
export interface MatchConfidence {
  /** 0 to 1: half the agreement, half the margin (saturating at MARGIN_SCALE). */
  value: number;
  /** Score of the best mentor minus that of the fifth (or the last, with fewer). */
  margin: number;
  /** Share of the five best by meaning (raw semantic similarity) that are also among the five best by words (TF-IDF cosine). */
  agreement: number;
  /** Below LOW_CONFIDENCE: no profile is clearly about this question. */
  low: boolean;
}

const TOP = 5;
/** A margin of 0.1 on the 0-1 score is a clear winner; the top third of gold-standard questions start near 0.06. */
export const MARGIN_SCALE = 0.1;
/**
 * Below this, a question is in the lowest third of the gold standard's 184 questions with a relevant expert
 * (default configuration): MRR 0.32 and hit@5 0.46 there, against 0.72 and 0.89 in the top third
 * (docs/evaluation.md, calibration).
 */
export const LOW_CONFIDENCE = 0.255;

/** The five best by `key`, among those where it says anything (a TF-IDF cosine of 0 shares no word). */
function topIds(ranked: readonly ScoredCandidate[], key: (c: ScoredCandidate) => number): Set<number> {
  return new Set(
    ranked
      .filter((c) => key(c) > 0)
      .sort((a, b) => key(b) - key(a))
      .slice(0, TOP)
      .map((c) => c.candidate.mentor.rowId),
  );
}

/**
 * Two independent reasons to trust a ranking: a clear gap between the best mentor and the fifth (many mentors
 * within a hair of each other means none stands out), and the encoder and the term index agreeing on who is
 * closest (they fail differently: paraphrase, rare jargon). Over the ranked candidates, best first.
 */
export function matchConfidence(ranked: readonly ScoredCandidate[]): MatchConfidence {
  if (ranked.length === 0) return { value: 0, margin: 0, agreement: 0, low: true };
  const last = ranked[Math.min(TOP, ranked.length) - 1]!;
  const margin = ranked[0]!.score - last.score;
  const size = Math.min(TOP, ranked.length);
  const bySemantic = topIds(ranked, (c) => c.details.rawSimilarity ?? -1);
  const byLexical = topIds(ranked, (c) => c.candidate.lexicalSimilarity);
  const agreement = [...bySemantic].filter((id) => byLexical.has(id)).length / size;
  const value = 0.5 * agreement + 0.5 * Math.min(1, margin / MARGIN_SCALE);
  return { value, margin, agreement, low: value < LOW_CONFIDENCE };
}
