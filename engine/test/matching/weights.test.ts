import { describe, expect, it } from 'vitest';
import { WeightConfigInput, type WeightConfigInputBody } from '../../src/matching/weight-config-schema.js';
import { completeWeightConfig, DEFAULT_RULES, DEFAULT_WEIGHTS, FACTOR_NAMES } from '../../src/matching/weights.js';
import { createAjv, describeSchemaError } from '../../src/validator-compiler.js';

// The routes' Ajv, as they check a configuration's body.
const validate = createAjv(false).compile(WeightConfigInput);

/** The schema's first problem with `input`, worded as the API words it; null when it passes. */
function schemaProblem(input: unknown): string | null {
  if (validate(input)) return null;
  return describeSchemaError(validate.errors![0]!, '');
}

describe('the weight configuration schema', () => {
  it('accepts the defaults and a partial configuration', () => {
    expect(schemaProblem({ weights: { ...DEFAULT_WEIGHTS }, rules: { ...DEFAULT_RULES } })).toBeNull();
    expect(schemaProblem({ weights: { semantic: 2, lexical: 1 } })).toBeNull();
  });

  it('refuses negative and non-numeric weights, naming the factor', () => {
    expect(schemaProblem({ weights: { semantic: -1 } })).toBe('weights.semantic must be >= 0');
    expect(schemaProblem({ weights: { skills: '2' } })).toBe('weights.skills must be number');
    expect(schemaProblem({ weights: [1, 2] })).toBe('weights must be object');
  });

  it('refuses unknown factors, unknown rules and unknown top-level keys', () => {
    expect(schemaProblem({ weights: { semantic: 1, vibes: 2 } })).toBe('weights has unknown property "vibes"');
    expect(schemaProblem({ weights: { semantic: 1 }, rules: { friendliness: true } })).toBe(
      'rules has unknown property "friendliness"',
    );
    expect(schemaProblem({ weights: { semantic: 1 }, extra: 1 })).toBe('the value has unknown property "extra"');
    expect(schemaProblem(null)).toBe('the value must be object');
  });

  it('types every rule and bounds its range', () => {
    const withRules = (rules: Record<string, unknown>) => schemaProblem({ weights: { semantic: 1 }, rules });
    expect(withRules({ activeOnly: 'yes' })).toBe('rules.activeOnly must be boolean');
    expect(withRules({ requiredLanguages: ['EN'] })).toBe(
      'rules.requiredLanguages.0 must match pattern "^[a-z]{2,3}$"',
    );
    expect(withRules({ minOverlapHours: 30 })).toBe('rules.minOverlapHours must be <= 24');
    expect(withRules({ exposureWindowDays: 0 })).toBe('rules.exposureWindowDays must be >= 1');
    expect(withRules({ mentorWorkingHours: { start: 9 } })).toBe('rules.mentorWorkingHours must have property "end"');
    expect(withRules({ mentorWorkingHours: { start: 9, end: 17, tz: 'UTC' } })).toBe(
      'rules.mentorWorkingHours has unknown property "tz"',
    );
  });

  it('defines the factors, in order', () => {
    expect(FACTOR_NAMES).toEqual([
      'semantic',
      'lexical',
      'skills',
      'language',
      'timezone',
      'capacity',
      'experience',
      'fairness',
      'responsiveness',
      'helpfulness',
    ]);
  });
});

describe('completeWeightConfig', () => {
  it('gives the factors left out weight 0 and the rules left out their defaults', () => {
    const result = completeWeightConfig({ weights: { semantic: 2, lexical: 1 } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.config.weights)).toEqual([...FACTOR_NAMES]);
    expect(result.config.weights).toMatchObject({ semantic: 2, lexical: 1, skills: 0, fairness: 0 });
    expect(result.config.rules).toEqual(DEFAULT_RULES);
    // The defaults' lists are copied, not shared with the configuration.
    expect(result.config.rules.requiredLanguages).not.toBe(DEFAULT_RULES.requiredLanguages);
  });

  it('keeps the rules given, each language once', () => {
    const input: WeightConfigInputBody = {
      weights: { semantic: 1 },
      rules: { requiredLanguages: ['es', 'es'], preferredGapYears: 25, requireTimezoneOverlap: true },
    };
    const result = completeWeightConfig(input);
    expect(result.ok && result.config.rules).toMatchObject({
      requiredLanguages: ['es'],
      preferredGapYears: 25,
      requireTimezoneOverlap: true,
      activeOnly: true,
    });
  });

  it('requires a positive weight, and a finite sum', () => {
    expect(completeWeightConfig({ weights: { semantic: 0 } })).toEqual({
      ok: false,
      errors: ['at least one weight must be positive'],
    });
    expect(completeWeightConfig({ weights: {} }).ok).toBe(false);
    expect(completeWeightConfig({ weights: { semantic: Number.MAX_VALUE, lexical: Number.MAX_VALUE } })).toEqual({
      ok: false,
      errors: ['the weights must add up to a finite number'],
    });
  });
});
