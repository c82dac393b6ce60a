/**
 * Factor names, default weights and rules, and what a configuration must be beyond its schema
 * (weight-config-schema.ts). Pure: the caller turns `errors` into AppError CONFIG_INVALID.
 */
import type { SignalMaps } from './signals.js';
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
 * Semantic and lexical share the topical weight (0.65) equally, on one scale (DEFAULT_SIGNAL_MAPS). The share was
 * chosen from a grid declared beforehand (0, 0.2, 1/3, 0.5, 2/3, 1) by grouped cross-validation on the
 * reviewer-expertise gold standard, with the demo questions as a separate check that can only veto: 0.2 and 1/3
 * cross-validate best on the gold standard's abstracts but miss expected mentors for paraphrased demo questions
 * (hit@5 0.90 and 0.93); 0.5 is the best share that keeps the demo's hit@5 at 0.95 (docs/evaluation.md). Capacity and experience are trimmed because they say nothing
 * about the topic: without request filters they only reshuffle on-topic mentors. Fairness keeps its weight, as
 * exposure balancing only acts once mentors have been shown. These sum to 1; the two outcome signals add 0.05
 * each on top (issue 21): small, as a mentor's record is a few sessions at best, and a signal that is the same
 * for every mentor (no record anywhere, as in the evaluation datasets) leaves the order unchanged.
 */
export const DEFAULT_WEIGHTS: Readonly<Weights> = Object.freeze({
  semantic: 0.325,
  lexical: 0.325,
  skills: 0.12,
  language: 0.06,
  timezone: 0.04,
  capacity: 0.03,
  experience: 0.03,
  fairness: 0.07,
  responsiveness: 0.05,
  helpfulness: 0.05,
});

/**
 * Estimated by `estimateSignalMap` (minimum, 12 sd) over the reviewer-expertise gold standard's 26,796
 * question-researcher pairs, without judgments (`pnpm mm eval reviewer-expertise --cv 6` prints the estimate).
 */
export const DEFAULT_SIGNAL_MAPS: Readonly<SignalMaps> = Object.freeze({
  semantic: Object.freeze({ floor: 0.2861, ceiling: 1.2603 }),
  lexical: Object.freeze({ floor: 0.003, ceiling: 0.3432 }),
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
  // Small: on the 0-1 score, mentors 0.005 apart are not told apart by the data, and only the boundary of the
  // top k moves; the demo questions' hit@5 is unchanged (docs/evaluation.md).
  explorationMargin: 0.005,
  signalMaps: DEFAULT_SIGNAL_MAPS,
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
    signalMaps: structuredClone(input.rules?.signalMaps ?? DEFAULT_RULES.signalMaps),
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
  const flat = Object.entries(config.rules.signalMaps).filter(([, map]) => !(map.ceiling > map.floor));
  if (flat.length)
    return { ok: false, errors: flat.map(([name]) => `signalMaps.${name}.ceiling must be above its floor`) };
  return { ok: true, config };
}
