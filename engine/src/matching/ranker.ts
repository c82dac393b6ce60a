import { hardRuleContext, hardRuleViolation, type HardRule } from './rules.js';
import {
  calibrateCosine,
  capacitySignal,
  experienceSignal,
  fairnessSignal,
  helpfulnessSignal,
  languageSignal,
  NEUTRAL_OUTCOME_PRIORS,
  responsivenessSignal,
  semanticSignal,
  skillsSignal,
  timezoneSignal,
  utcOffsetMinutes,
  type DailyWindow,
  type MentorOutcomeStats,
  type OutcomePriors,
} from './signals.js';
import type { SkillMatch, SkillsVocabulary } from './skills-vocabulary.js';
import type { CandidateInput, ExposureContext, MatchRequestFilters } from './types.js';
import { FACTOR_NAMES, type FactorName, type MatchRules, type Weights } from './weights.js';

export interface RankInput {
  question: string;
  /** Unique by mentor rowId; later duplicates are ignored. */
  candidates: readonly CandidateInput[];
  weights: Weights;
  rules: MatchRules;
  request?: MatchRequestFilters;
  vocabulary: SkillsVocabulary;
  exposure?: ExposureContext;
  /** The programme means the outcome signals shrink towards; absent: a programme with no record yet. */
  outcomePriors?: OutcomePriors;
  /** Fixes UTC offsets (daylight saving) so a ranking is reproducible. */
  now: Date;
}

export interface FactorContribution {
  name: FactorName;
  /** The signal, in [0, 1]. */
  value: number;
  /** The configured weight. */
  weight: number;
  /** value × weight / (sum of weights); the contributions add up to the score. */
  contribution: number;
}

/** Facts behind the signals, kept for explanations. */
export interface SignalDetails {
  sharedLanguages: string[];
  overlapHours: number | null;
  remaining: number;
  /** Canonical keys of the question's skills the mentor has. */
  matchedSkills: string[];
  menteeYears: number | null;
  fairnessRatio: number;
  /** The semantic signal's aggregate cosine before calibration; null when the mentor has no vectors. */
  rawSimilarity: number | null;
  /** The mentor's record behind responsiveness and helpfulness; null when they have none. */
  outcomes: MentorOutcomeStats | null;
}

export interface ScoredCandidate {
  candidate: CandidateInput;
  score: number;
  factors: FactorContribution[];
  details: SignalDetails;
}

export interface ExcludedCandidate {
  rowId: number;
  externalId: string;
  rule: HardRule;
}

export interface RankOutput {
  /** Eligible candidates, best first. */
  ranked: ScoredCandidate[];
  excluded: ExcludedCandidate[];
  questionSkills: SkillMatch[];
}

function menteeWindow(request: MatchRequestFilters, now: Date): DailyWindow | null {
  const a = request.availability;
  if (!a) return null;
  const offset = a.utcOffsetMinutes ?? (a.timezone ? utcOffsetMinutes(a.timezone, now) : null) ?? 0;
  return { startHour: a.startHour, endHour: a.endHour, utcOffsetMinutes: offset };
}

const SEMANTIC = FACTOR_NAMES.indexOf('semantic');

/**
 * Score desc, then semantic value desc, then the raw evidence under the calibrated signals (semantic
 * similarity, then TF-IDF cosine) desc, then external id asc (code-unit order, locale-independent).
 * Both signals saturate at 1, so two near-identical bios can tie on score; the one whose own words the
 * question repeats must still come first.
 */
export function compareScored(a: ScoredCandidate, b: ScoredCandidate): number {
  if (a.score !== b.score) return b.score - a.score;
  const sa = a.factors[SEMANTIC]!.value;
  const sb = b.factors[SEMANTIC]!.value;
  if (sa !== sb) return sb - sa;
  const ra = a.details.rawSimilarity ?? -1;
  const rb = b.details.rawSimilarity ?? -1;
  if (ra !== rb) return rb - ra;
  const la = a.candidate.lexicalSimilarity;
  const lb = b.candidate.lexicalSimilarity;
  if (la !== lb) return lb - la;
  const ia = a.candidate.mentor.externalId;
  const ib = b.candidate.mentor.externalId;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/**
 * Applies the hard rules, computes every signal and the weighted sum. Score = Σ value × weight / Σ weights,
 * so it lies in [0, 1]; it is computed as the sum of the reported contributions, in factor order, so the two
 * agree exactly. A signal whose input is missing (no languages given, no window) is 0 for every candidate:
 * it lowers all scores alike and leaves the order alone.
 */
export function rankCandidates(input: RankInput): RankOutput {
  const { rules, weights, vocabulary, now } = input;
  const request = input.request ?? {};
  const ctx = hardRuleContext(rules, request);
  const questionSkills = vocabulary.findSkills(input.question);
  const questionKeys = new Set(questionSkills.map((s) => s.key));
  const window = menteeWindow(request, now);
  const menteeLanguages = request.languages ?? [];
  const menteeYears = request.menteeYearsExperience ?? null;
  const totalWeight = FACTOR_NAMES.reduce((sum, name) => sum + weights[name], 0);
  const exposure = input.exposure ?? { totalShown: 0, totalCapacity: 0 };
  const priors = input.outcomePriors ?? NEUTRAL_OUTCOME_PRIORS;

  const seen = new Set<number>();
  const eligible: CandidateInput[] = [];
  const timezones = new Map<CandidateInput, { value: number; overlapHours: number } | null>();
  const excluded: ExcludedCandidate[] = [];
  for (const candidate of input.candidates) {
    const { mentor } = candidate;
    if (seen.has(mentor.rowId)) continue;
    seen.add(mentor.rowId);
    const remaining = Math.max(0, mentor.capacityPerMonth - candidate.servedThisMonth);
    let timezone: { value: number; overlapHours: number } | null = null;
    if (window) {
      const offset = candidate.utcOffsetMinutes ?? utcOffsetMinutes(mentor.timezone, now);
      const hours = rules.mentorWorkingHours;
      if (offset !== null)
        timezone = timezoneSignal(window, { startHour: hours.start, endHour: hours.end, utcOffsetMinutes: offset });
    }
    const facts = { remaining, overlapHours: timezone?.overlapHours ?? null, hasWindow: window !== null };
    const rule = hardRuleViolation(mentor, facts, ctx);
    if (rule) excluded.push({ rowId: mentor.rowId, externalId: mentor.externalId, rule });
    else {
      eligible.push(candidate);
      timezones.set(candidate, timezone);
    }
  }

  const ranked = eligible.map((candidate): ScoredCandidate => {
    const { mentor } = candidate;
    const skills = skillsSignal(questionKeys, new Set(mentor.skills.map((s) => vocabulary.keyOf(s))));
    const language = languageSignal(menteeLanguages, mentor.languages);
    const capacity = capacitySignal(mentor.capacityPerMonth, candidate.servedThisMonth, rules.capacitySaturation);
    const timezone = timezones.get(candidate) ?? null;
    const share = exposure.totalCapacity > 0 ? mentor.capacityPerMonth / exposure.totalCapacity : 0;
    const fairness = fairnessSignal(candidate.shownRecently, exposure.totalShown, share, rules.fairnessTolerance);
    const semantic = semanticSignal(
      candidate.wholeSimilarity,
      candidate.passageSimilarities.map((p) => p.similarity),
      rules.signalMaps.semantic,
    );
    const values: Record<FactorName, number> = {
      semantic: semantic.value,
      lexical: calibrateCosine(candidate.lexicalSimilarity, rules.signalMaps.lexical),
      skills: skills.value,
      language: language.value,
      timezone: timezone?.value ?? 0,
      capacity: capacity.value,
      experience: experienceSignal(mentor.yearsExperience, menteeYears, rules.preferredGapYears),
      fairness: fairness.value,
      responsiveness: responsivenessSignal(candidate.outcomes, priors),
      helpfulness: helpfulnessSignal(candidate.outcomes, priors),
    };
    const factors = FACTOR_NAMES.map((name): FactorContribution => {
      const weight = weights[name];
      const value = values[name];
      return { name, value, weight, contribution: totalWeight > 0 ? (value * weight) / totalWeight : 0 };
    });
    let score = 0;
    for (const f of factors) score += f.contribution;
    return {
      candidate,
      score,
      factors,
      details: {
        sharedLanguages: language.shared,
        overlapHours: timezone?.overlapHours ?? null,
        remaining: capacity.remaining,
        matchedSkills: skills.matched,
        menteeYears,
        fairnessRatio: fairness.ratio,
        rawSimilarity: semantic.raw,
        outcomes: candidate.outcomes ?? null,
      },
    };
  });
  ranked.sort(compareScored);
  return { ranked, excluded, questionSkills };
}
