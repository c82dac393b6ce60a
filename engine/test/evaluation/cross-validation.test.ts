import { describe, expect, it } from 'vitest';
import {
  crossValidate,
  expertFolds,
  formatCrossValidation,
  judgedExperts,
  restrictJudgments,
} from '../../src/evaluation/cross-validation.js';
import type { Judgments, ScoreMatrix } from '../../src/evaluation/metrics.js';

const experts = Array.from({ length: 12 }, (_, i) => `e${String(i).padStart(2, '0')}`);
const queries = Array.from({ length: 36 }, (_, i) => `q${i}`);

/** Each expert rates three papers 1, 3 and 5. */
function judgments(): Judgments {
  const out = new Map<string, Map<string, number>>();
  experts.forEach((e, i) => {
    [1, 3, 5].forEach((rating, j) => {
      out.set(queries[i * 3 + j]!, new Map([[e, rating]]));
    });
  });
  return out;
}

/** Scores from a function of (query index, expert index). */
function matrix(score: (qi: number, ei: number) => number): ScoreMatrix {
  return new Map(queries.map((q, qi) => [q, new Map(experts.map((e, ei) => [e, score(qi, ei)]))]));
}

const rated = judgments();
const ratingOf = (qi: number, ei: number) => rated.get(queries[qi]!)?.get(experts[ei]!) ?? 0;
// Follows the ratings; reversed; ties everything.
const oracle = matrix((qi, ei) => ratingOf(qi, ei));
const reversed = matrix((qi, ei) => -ratingOf(qi, ei));
const constant = matrix(() => 1);

describe('expert folds', () => {
  it('deals every judged expert into exactly one fold, sizes within one, the same for the same seed', () => {
    const folds = expertFolds(experts, 5, 7);
    expect(folds.flat().sort()).toEqual(experts);
    const sizes = folds.map((f) => f.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(expertFolds([...experts].reverse(), 5, 7)).toEqual(folds);
    expect(expertFolds(experts, 5, 8)).not.toEqual(folds);
  });

  it('refuses fewer than two folds or more folds than experts', () => {
    expect(() => expertFolds(experts, 1)).toThrow(RangeError);
    expect(() => expertFolds(experts, 13)).toThrow(RangeError);
  });

  it('keeps only the ratings of the given experts', () => {
    const kept = restrictJudgments(rated, new Set(['e00']));
    expect([...kept.keys()]).toEqual(['q0', 'q1', 'q2']);
    expect(judgedExperts(rated)).toEqual(experts);
  });
});

describe('grouped cross-validation', () => {
  it('chooses on the other folds, scores the held-out experts, and pools them', () => {
    const result = crossValidate(
      { judgments: rated, relevanceThreshold: 4 },
      [
        { name: 'reversed', scores: reversed },
        { name: 'oracle', scores: oracle },
        { name: 'constant', scores: constant },
      ],
      { folds: 4, bootstrapSamples: 50 },
    );
    expect(result.folds).toHaveLength(4);
    expect(result.folds.every((f) => f.chosen === 'oracle')).toBe(true);
    expect(result.choice).toBe('oracle');
    expect(result.pooled.loss.value).toBe(0);
    expect(result.worst.loss.value).toBe(0);
    const byName = Object.fromEntries(result.candidates.map((c) => [c.name, c]));
    expect(byName.reversed!.loss).toBe(1);
    expect(byName.constant!.loss).toBe(0.5);
    expect(byName.oracle!.chosenIn).toBe(4);
    expect(formatCrossValidation(result)).toContain('| oracle (choice) |');
  });

  it('reports a choice that only fits some experts as worse on the experts held out', () => {
    // Right for the first six experts, wrong for the others: chosen where the training folds favour it.
    const split = matrix((qi, ei) => (ei < 6 ? 1 : -1) * ratingOf(qi, ei));
    const result = crossValidate(
      { judgments: rated, relevanceThreshold: 4 },
      [
        { name: 'split', scores: split },
        { name: 'constant', scores: constant },
      ],
      { folds: 3, bootstrapSamples: 50 },
    );
    const perFold = result.folds.map((f) => f.loss.value);
    expect(Math.max(...perFold)).toBe(result.worst.loss.value);
    expect(result.pooled.loss.value).toBeGreaterThan(0);
  });
});
