import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, DEFAULT_WEIGHTS, FACTOR_NAMES, validateWeightConfig } from '../../src/matching/weights.js';

describe('validateWeightConfig', () => {
  it('accepts the defaults and completes partial configurations', () => {
    const full = validateWeightConfig({ weights: { ...DEFAULT_WEIGHTS }, rules: { ...DEFAULT_RULES } });
    expect(full.ok).toBe(true);
    const partial = validateWeightConfig({ weights: { semantic: 2, lexical: 1 } });
    expect(partial.ok).toBe(true);
    if (!partial.ok) return;
    expect(Object.keys(partial.config.weights)).toEqual([...FACTOR_NAMES]);
    expect(partial.config.weights).toMatchObject({ semantic: 2, lexical: 1, skills: 0, fairness: 0 });
    expect(partial.config.rules).toEqual(DEFAULT_RULES);
  });

  it('rejects negative, non-finite and non-numeric weights', () => {
    const result = validateWeightConfig({
      weights: { semantic: -1, lexical: Number.POSITIVE_INFINITY, skills: '2', language: 1 },
    });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      'weights.semantic must be >= 0, got -1',
      'weights.lexical must be a finite number',
      'weights.skills must be a finite number',
    ]);
  });

  it('requires at least one positive weight', () => {
    expect(validateWeightConfig({ weights: { semantic: 0 } }).errors).toEqual(['at least one weight must be positive']);
    expect(validateWeightConfig({ weights: {} }).ok).toBe(false);
  });

  it('rejects unknown factors, unknown rules and unknown top-level keys', () => {
    const result = validateWeightConfig({
      weights: { semantic: 1, vibes: 2 },
      rules: { friendliness: true },
      extra: 1,
    });
    expect(result.errors).toEqual([
      'weights.vibes is not a known factor (known: semantic, lexical, skills, language, timezone, capacity, experience, fairness)',
      'rules.friendliness is not a known rule',
      'extra is not part of a weight configuration',
    ]);
  });

  it('type-checks rules', () => {
    const result = validateWeightConfig({
      weights: { semantic: 1 },
      rules: {
        activeOnly: 'yes',
        requiredLanguages: ['EN'],
        minOverlapHours: 30,
        preferredGapYears: Number.NaN,
        mentorWorkingHours: { start: 9 },
      },
    });
    expect(result.errors).toEqual([
      'rules.activeOnly must be a boolean',
      'rules.requiredLanguages must be an array of lower-case ISO 639 codes',
      'rules.minOverlapHours must be from 0 to 24, got 30',
      'rules.preferredGapYears must be a finite number',
      'rules.mentorWorkingHours.end must be a finite number',
    ]);
    const good = validateWeightConfig({
      weights: { semantic: 1 },
      rules: { requiredLanguages: ['es', 'es'], preferredGapYears: 25, requireTimezoneOverlap: true },
    });
    expect(good.ok && good.config.rules).toMatchObject({
      requiredLanguages: ['es'],
      preferredGapYears: 25,
      requireTimezoneOverlap: true,
    });
  });

  it('rejects non-objects', () => {
    expect(validateWeightConfig(null).ok).toBe(false);
    expect(validateWeightConfig({ weights: [1, 2] }).errors).toEqual([
      'weights must be an object of factor name to number',
    ]);
  });
});
