import { explainMatch, type Explanation, type ExplanationOptions } from './explanation.js';
import { rankCandidates, type ExcludedCandidate, type RankInput } from './ranker.js';
import type { SkillMatch } from './skills-vocabulary.js';
import { tokenize } from './text-analysis.js';

export interface MatchInput extends RankInput {
  /** How many matches to return and explain. */
  k: number;
  explanation?: ExplanationOptions;
}

export interface MentorMatch {
  /** 1-based. */
  rank: number;
  rowId: number;
  externalId: string;
  score: number;
  explanation: Explanation;
}

export interface MatchOutput {
  matches: MentorMatch[];
  excluded: ExcludedCandidate[];
  /** Candidates that passed the hard rules. */
  eligible: number;
  /** Skills found in the question, with offsets into it. */
  questionSkills: SkillMatch[];
}

/**
 * The whole pure matching step: hard rules, signals, weighted sum, deterministic order, then explanations
 * for the top `k` only (explaining is the costlier part and the rest are never shown).
 */
export function matchMentors(input: MatchInput): MatchOutput {
  const { ranked, excluded, questionSkills } = rankCandidates(input);
  const question = { text: input.question, tokens: tokenize(input.question), skills: questionSkills };
  const matches = ranked.slice(0, Math.max(0, input.k)).map((scored, i) => ({
    rank: i + 1,
    rowId: scored.candidate.mentor.rowId,
    externalId: scored.candidate.mentor.externalId,
    score: scored.score,
    explanation: explainMatch(scored, question, input.vocabulary, input.explanation),
  }));
  return { matches, excluded, eligible: ranked.length, questionSkills };
}
