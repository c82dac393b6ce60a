/**
 * Factor names, default weights and rules, and what a configuration must be beyond its schema
 * (weight-config-schema.ts). Pure: the caller turns `errors` into AppError CONFIG_INVALID.
 */
import { type MatchRules, type WeightConfigInputBody, type Weights, WeightsSchema } from './weight-config-schema.js';

/** The factors, in the schema's order. Practical fit is split into language, timezone and capacity so coordinators can weigh each. */
export const FACTOR_NAMES = Object.keys(WeightsSchema.properties) as readonly (keyof Weights)[];

export type FactorName = keyof Weights;

export type { MatchRules, Weights };

export interface WeightConfig {
  weights: Weights;
  rules: MatchRules;
}

/**
 * Calibrated on the 41 labelled demo questions with USE Lite (bench/demo-ranking.md). Among the candidates that
 * reach the ranker, the calibrated semantic signal of the expected mentors is only about 0.1 above the others'
 * (USE Lite puts every on-topic-ish bio between cosines 0.45 and 0.75), while the lexical signal (then normalised
 * BM25, now calibrated TF-IDF cosine) separates them by about 0.6; at 0.4 semantic to 0.15 lexical the hybrid fell behind BM25 alone on nDCG@10 and recall@10.
 * Semantic 0.35 to lexical 0.3 keeps the embedding decisive for paraphrased questions (no shared words, lexical
 * 0) and lets exact terms (GDPR, IVF, SOC 2) count. Capacity and experience are trimmed because they say nothing
 * about the topic: without request filters they only reshuffle on-topic mentors. Fairness keeps its weight, as
 * exposure balancing only acts once mentors have been shown. These sum to 1; the two outcome signals add 0.05
 * each on top (issue 21): small, as a mentor's record is a few sessions at best, and a signal that is the same
 * for every mentor (no record anywhere, as in the evaluation datasets) leaves the order unchanged.
 */
export const DEFAULT_WEIGHTS: Readonly<Weights> = Object.freeze({
  semantic: 0.35,
  lexical: 0.3,
  skills: 0.12,
  language: 0.06,
  timezone: 0.04,
  capacity: 0.03,
  experience: 0.03,
  fairness: 0.07,
  responsiveness: 0.05,
  helpfulness: 0.05,
});

export const DEFAULT_RULES: Readonly<MatchRules> = Object.freeze({
  activeOnly: true,
  requireCapacity: true,
  requiredLanguages: [],
  requireTimezoneOverlap: false,
  minOverlapHours: 1,
  mentorWorkingHours: { start: 9, end: 18 },
  preferredGapYears: 5,
  exposureWindowDays: 30,
  fairnessTolerance: 1.5,
  capacitySaturation: 3,
});

export type CompletionResult = { ok: true; config: WeightConfig } | { ok: false; errors: string[] };

/**
 * A configuration with nothing left out: factors left out weigh 0 (the stored configuration is then complete
 * and explicit), rules left out take their defaults.
 */
export function completed(input: WeightConfigInputBody): WeightConfig {
  const weights = Object.fromEntries(FACTOR_NAMES.map((name) => [name, input.weights[name] ?? 0])) as Weights;
  const rules: MatchRules = {
    ...DEFAULT_RULES,
    ...input.rules,
    requiredLanguages: [...new Set(input.rules?.requiredLanguages ?? DEFAULT_RULES.requiredLanguages)],
    mentorWorkingHours: { ...(input.rules?.mentorWorkingHours ?? DEFAULT_RULES.mentorWorkingHours) },
  };
  return { weights, rules };
}

/**
 * Completes a configuration the schema passed, and checks what a schema cannot: some weight is positive, and
 * the weights add up to a finite number.
 */
export function completeWeightConfig(input: WeightConfigInputBody): CompletionResult {
  const config = completed(input);
  const sum = FACTOR_NAMES.reduce((total, name) => total + config.weights[name], 0);
  if (sum === 0) return { ok: false, errors: ['at least one weight must be positive'] };
  // Scores divide by the sum: weights near the largest double overflow it and every score becomes 0.
  if (!Number.isFinite(sum)) return { ok: false, errors: ['the weights must add up to a finite number'] };
  return { ok: true, config };
}
