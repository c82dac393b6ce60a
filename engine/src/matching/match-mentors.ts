import { matchConfidence, type MatchConfidence } from './confidence.js';
import { explainMatch, type Explanation, type ExplanationOptions } from './explanation.js';
import { nearTieShowProbabilities, sampleNearTieSlate } from './exploration.js';
import { rankCandidates, type ExcludedCandidate, type RankInput } from './ranker.js';
import type { SkillMatch } from './skills-vocabulary.js';
import { tokenize } from './text-analysis.js';

export interface MatchInput extends RankInput {
  /** How many matches to return and explain. */
  k: number;
  explanation?: ExplanationOptions;
  /**
   * Where given, the last places of the top k go at random among near-ties (rules.explorationMargin), drawn
   * with `random`; without it, the exact top k. Only answers that are recorded explore: previews and evaluations
   * rank deterministically.
   */
  exploration?: { random: () => number };
}

export interface MentorMatch {
  /** 1-based. */
  rank: number;
  rowId: number;
  externalId: string;
  score: number;
  /** The probability that this mentor was among the k shown, given the ranking (1 without exploration). */
  propensity: number;
  explanation: Explanation;
}

export interface MatchOutput {
  matches: MentorMatch[];
  excluded: ExcludedCandidate[];
  /** Candidates that passed the hard rules. */
  eligible: number;
  /** Skills found in the question, with offsets into it. */
  questionSkills: SkillMatch[];
  /** How clearly the best candidates are about the question. */
  confidence: MatchConfidence;
}

/**
 * The whole pure matching step: hard rules, signals, weighted sum, deterministic order, then explanations
 * for the top `k` only (explaining is the costlier part and the rest are never shown).
 */
export function matchMentors(input: MatchInput): MatchOutput {
  const { ranked, excluded, questionSkills } = rankCandidates(input);
  const question = { text: input.question, tokens: tokenize(input.question), skills: questionSkills };
  const k = Math.max(0, input.k);
  const margin = input.rules.explorationMargin;
  let shown = ranked.slice(0, k).map((scored) => ({ scored, propensity: 1 }));
  if (input.exploration && margin > 0) {
    const scores = ranked.map((r) => r.score);
    const probabilities = nearTieShowProbabilities(scores, k, margin);
    // In ranking order: the draw decides who is shown, the score still decides the order among them.
    const slate = sampleNearTieSlate(scores, k, margin, input.exploration.random).sort((a, b) => a - b);
    shown = slate.map((i) => ({ scored: ranked[i]!, propensity: probabilities[i]! }));
  }
  const matches = shown.map(({ scored, propensity }, i) => ({
    rank: i + 1,
    rowId: scored.candidate.mentor.rowId,
    externalId: scored.candidate.mentor.externalId,
    score: scored.score,
    propensity,
    explanation: explainMatch(scored, question, input.vocabulary, input.explanation),
  }));
  return { matches, excluded, eligible: ranked.length, questionSkills, confidence: matchConfidence(ranked) };
}
