import { describe, expect, it } from 'vitest';
import {
  emptyOutcomeStats,
  HELPFULNESS_PRIOR_RATINGS,
  helpfulnessSignal,
  type MentorOutcomeStats,
  NEUTRAL_OUTCOME_PRIORS,
  outcomePriors,
  RESPONSIVENESS_PRIOR_REQUESTS,
  responsivenessSignal,
  shrunkMean,
  shrunkShare,
} from '../../src/matching/signals.js';

function stats(overrides: Partial<MentorOutcomeStats> = {}): MentorOutcomeStats {
  return { ...emptyOutcomeStats(), ...overrides };
}

describe('shrinkage', () => {
  it('gives the prior without data and the observed value with much of it', () => {
    expect(shrunkShare(0, 0, 0.7, 4)).toBe(0.7);
    expect(shrunkShare(990, 1000, 0.2, 4)).toBeCloseTo(0.99, 2);
    expect(shrunkMean(null, 0, 4.1, 5)).toBe(4.1);
    expect(shrunkMean(2, 1000, 4.5, 5)).toBeCloseTo(2, 1);
  });

  it('is the Beta posterior mean and the Bayesian average', () => {
    // Beta(4·0.5, 4·0.5) prior, 3 of 4 observed: (3 + 2) / (4 + 4).
    expect(shrunkShare(3, 4, 0.5, 4)).toBeCloseTo(5 / 8, 12);
    // 2 ratings of mean 5 with 5 pseudo-ratings at 4: (10 + 20) / 7.
    expect(shrunkMean(5, 2, 4, 5)).toBeCloseTo(30 / 7, 12);
  });

  it('moves a single observation only part of the way', () => {
    const p = 0.8;
    const one = shrunkShare(0, 1, p, RESPONSIVENESS_PRIOR_REQUESTS);
    expect(one).toBeLessThan(p);
    expect(one).toBeGreaterThan(0.6);
    expect(shrunkMean(5, 1, 4, HELPFULNESS_PRIOR_RATINGS)).toBeCloseTo(4 + 1 / 6, 12);
  });
});

describe('outcomePriors', () => {
  it('are neutral for a programme without any record', () => {
    expect(outcomePriors([])).toEqual({ inTimeShare: 0.5, withinDayShare: 0.5, meanHelpfulness: 3 });
    expect(NEUTRAL_OUTCOME_PRIORS).toEqual(outcomePriors([]));
  });

  it('pool every mentor, weighing each mean by its ratings', () => {
    const priors = outcomePriors([
      stats({ decided: 40, answeredInTime: 36, answeredWithinDay: 20, ratings: 30, meanHelpfulness: 4.5 }),
      stats({ decided: 56, answeredInTime: 48, answeredWithinDay: 28, ratings: 10, meanHelpfulness: 3.5 }),
    ]);
    expect(priors.inTimeShare).toBeCloseTo((84 + 2) / (96 + 4), 12);
    expect(priors.withinDayShare).toBeCloseTo((48 + 2) / (96 + 4), 12);
    expect(priors.meanHelpfulness).toBeCloseTo((4.25 * 40 + 3 * 5) / 45, 12);
  });
});

describe('responsiveness and helpfulness signals', () => {
  const priors = { inTimeShare: 0.8, withinDayShare: 0.6, meanHelpfulness: 4.2 };

  it('give a mentor without a record exactly the programme mean', () => {
    expect(responsivenessSignal(null, priors)).toBeCloseTo(0.7, 12);
    expect(responsivenessSignal(stats(), priors)).toBeCloseTo(0.7, 12);
    expect(helpfulnessSignal(undefined, priors)).toBeCloseTo((4.2 - 1) / 4, 12);
    expect(helpfulnessSignal(stats({ decided: 3, answeredInTime: 3 }), priors)).toBeCloseTo(0.8, 12);
  });

  it('rank a reliable record above a lucky one and a poor one below the mean', () => {
    const lucky = helpfulnessSignal(stats({ ratings: 1, meanHelpfulness: 5 }), priors);
    const proven = helpfulnessSignal(stats({ ratings: 20, meanHelpfulness: 4.8 }), priors);
    const poor = helpfulnessSignal(stats({ ratings: 6, meanHelpfulness: 2 }), priors);
    expect(proven).toBeGreaterThan(lucky);
    expect(lucky).toBeGreaterThan(0.8);
    expect(poor).toBeLessThan(0.8);

    const prompt = responsivenessSignal(stats({ decided: 10, answeredInTime: 10, answeredWithinDay: 10 }), priors);
    const silent = responsivenessSignal(stats({ decided: 10 }), priors);
    expect(prompt).toBeGreaterThan(0.7);
    expect(silent).toBeLessThan(0.7);
    for (const v of [lucky, proven, poor, prompt, silent]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it('map the rating scale onto [0, 1]', () => {
    const many = 1e9;
    expect(helpfulnessSignal(stats({ ratings: many, meanHelpfulness: 5 }), priors)).toBeCloseTo(1, 6);
    expect(helpfulnessSignal(stats({ ratings: many, meanHelpfulness: 1 }), priors)).toBeCloseTo(0, 6);
  });
});
