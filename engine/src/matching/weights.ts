/**
 * Factor names, default weights and rules, and validation of coordinator weight configurations.
 * Pure: the caller turns `errors` into AppError CONFIG_INVALID.
 */

/** Practical fit is split into language, timezone and capacity so coordinators can weigh each. */
export const FACTOR_NAMES = [
  'semantic',
  'lexical',
  'skills',
  'language',
  'timezone',
  'capacity',
  'experience',
  'fairness',
] as const;

export type FactorName = (typeof FACTOR_NAMES)[number];

export type Weights = Record<FactorName, number>;

export interface MatchRules {
  /** Hard rule: only active mentors. */
  activeOnly: boolean;
  /** Hard rule: only mentors with free slots left this month. */
  requireCapacity: boolean;
  /** Hard rule: mentors must speak every one of these ISO 639-1 codes (on top of the request's). */
  requiredLanguages: string[];
  /** Hard rule: the mentee's availability window must overlap the mentor's working hours. */
  requireTimezoneOverlap: boolean;
  /** Overlap, in hours, that the timezone hard rule demands. */
  minOverlapHours: number;
  /** Mentors' working hours in their local time, [start, end) in hours; end <= start wraps past midnight. */
  mentorWorkingHours: { start: number; end: number };
  /** Preferred years of experience of the mentor over the mentee; negative values prefer reverse mentoring. */
  preferredGapYears: number;
  /** Exposure window the caller counts "shown" over, in days. */
  exposureWindowDays: number;
  /** Mentors shown up to this multiple of their capacity share are not penalised. */
  fairnessTolerance: number;
  /** Free slots at which the capacity signal saturates. */
  capacitySaturation: number;
}

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
 * exposure balancing only acts once mentors have been shown. Weights sum to 1.
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

export type ValidationResult = { ok: true; config: WeightConfig; errors: [] } | { ok: false; errors: string[] };

const LANGUAGE_CODE = /^[a-z]{2,3}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkNumber(errors: string[], path: string, value: unknown, min: number, max: number): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.push(`${path} must be a finite number`);
    return false;
  }
  if (value < min || value > max) {
    errors.push(`${path} must be from ${min} to ${max}, got ${value}`);
    return false;
  }
  return true;
}

function checkHour(errors: string[], path: string, value: unknown): boolean {
  return checkNumber(errors, path, value, 0, 24);
}

function validateWeights(input: unknown, errors: string[]): Weights {
  const weights: Weights = { ...DEFAULT_WEIGHTS };
  if (!isRecord(input)) {
    errors.push('weights must be an object of factor name to number');
    return weights;
  }
  const known = new Set<string>(FACTOR_NAMES);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) errors.push(`weights.${key} is not a known factor (known: ${FACTOR_NAMES.join(', ')})`);
  }
  // A factor left out of a configuration weighs nothing: the stored configuration is then complete and explicit.
  let positive = false;
  for (const name of FACTOR_NAMES) {
    const value = input[name] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value)) errors.push(`weights.${name} must be a finite number`);
    else if (value < 0) errors.push(`weights.${name} must be >= 0, got ${value}`);
    else {
      weights[name] = value;
      if (value > 0) positive = true;
    }
  }
  if (!positive) errors.push('at least one weight must be positive');
  // Scores divide by the sum: weights near the largest double overflow it and every score becomes 0.
  else if (!Number.isFinite(FACTOR_NAMES.reduce((sum, name) => sum + weights[name], 0)))
    errors.push('the weights must add up to a finite number');
  return weights;
}

function validateRules(input: unknown, errors: string[]): MatchRules {
  const rules: MatchRules = {
    ...DEFAULT_RULES,
    requiredLanguages: [],
    mentorWorkingHours: { ...DEFAULT_RULES.mentorWorkingHours },
  };
  if (input === undefined) return rules;
  if (!isRecord(input)) {
    errors.push('rules must be an object');
    return rules;
  }
  const known = new Set(Object.keys(DEFAULT_RULES));
  for (const key of Object.keys(input)) if (!known.has(key)) errors.push(`rules.${key} is not a known rule`);

  for (const key of ['activeOnly', 'requireCapacity', 'requireTimezoneOverlap'] as const) {
    if (input[key] === undefined) continue;
    if (typeof input[key] !== 'boolean') errors.push(`rules.${key} must be a boolean`);
    else rules[key] = input[key];
  }
  if (input.requiredLanguages !== undefined) {
    const list = input.requiredLanguages;
    if (!Array.isArray(list) || !list.every((l) => typeof l === 'string' && LANGUAGE_CODE.test(l))) {
      errors.push('rules.requiredLanguages must be an array of lower-case ISO 639 codes');
    } else rules.requiredLanguages = [...new Set(list as string[])];
  }
  const numbers = [
    ['minOverlapHours', 0, 24],
    ['preferredGapYears', -50, 50],
    ['exposureWindowDays', 1, 365],
    ['fairnessTolerance', 1, 100],
    ['capacitySaturation', 1, 1000],
  ] as const;
  for (const [key, min, max] of numbers) {
    if (input[key] !== undefined && checkNumber(errors, `rules.${key}`, input[key], min, max)) rules[key] = input[key];
  }
  if (input.mentorWorkingHours !== undefined) {
    const hours = input.mentorWorkingHours;
    if (!isRecord(hours)) errors.push('rules.mentorWorkingHours must be an object { start, end }');
    else {
      const okStart = checkHour(errors, 'rules.mentorWorkingHours.start', hours.start);
      const okEnd = checkHour(errors, 'rules.mentorWorkingHours.end', hours.end);
      if (okStart && okEnd) rules.mentorWorkingHours = { start: hours.start as number, end: hours.end as number };
    }
  }
  return rules;
}

/**
 * Checks a coordinator's `{ weights, rules? }`: weights finite and >= 0, at least one positive, known factors
 * only (missing ones weigh 0), rules well-typed (missing ones take defaults). Returns the completed config.
 */
export function validateWeightConfig(input: unknown): ValidationResult {
  const errors: string[] = [];
  if (!isRecord(input)) return { ok: false, errors: ['configuration must be an object { weights, rules? }'] };
  const weights = validateWeights(input.weights, errors);
  const rules = validateRules(input.rules, errors);
  for (const key of Object.keys(input))
    if (key !== 'weights' && key !== 'rules') errors.push(`${key} is not part of a weight configuration`);
  return errors.length ? { ok: false, errors } : { ok: true, config: { weights, rules }, errors: [] };
}
