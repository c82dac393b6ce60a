import { describe, expect, it } from 'vitest';
import { LOW_CONFIDENCE, matchConfidence } from '../../src/matching/confidence.js';
import { rankCandidates } from '../../src/matching/ranker.js';
import { SkillsVocabulary } from '../../src/matching/skills-vocabulary.js';
import { DEFAULT_RULES, DEFAULT_WEIGHTS } from '../../src/matching/weights.js';
import { candidate, mentor } from './helpers.js';

function ranked(pairs: readonly [semantic: number, lexical: number][]) {
  return rankCandidates({
    question: 'How do I negotiate a salary offer?',
    candidates: pairs.map(([s, l]) => candidate(mentor(), { wholeSimilarity: s, lexicalSimilarity: l })),
    weights: { ...DEFAULT_WEIGHTS },
    rules: { ...DEFAULT_RULES },
    vocabulary: SkillsVocabulary.fromMentors([]),
    now: new Date('2026-03-02T12:00:00Z'),
  }).ranked;
}

describe('confidence per question', () => {
  it('is high when one mentor stands out and meaning and words agree on who is closest', () => {
    const c = matchConfidence(
      ranked([
        [0.85, 0.3],
        [0.8, 0.25],
        [0.5, 0.05],
        [0.45, 0.04],
        [0.4, 0.03],
        [0.35, 0.02],
      ]),
    );
    expect(c.agreement).toBe(1);
    expect(c.margin).toBeGreaterThan(0.1);
    expect(c.value).toBe(1);
    expect(c.low).toBe(false);
  });

  it('is low when every candidate is about as close and the two views disagree', () => {
    // The closest in meaning share no word with the question; the ones that share words are far in meaning.
    const c = matchConfidence(
      ranked([
        [0.5, 0],
        [0.5, 0],
        [0.49, 0],
        [0.49, 0],
        [0.48, 0],
        [0.3, 0.02],
        [0.3, 0.02],
      ]),
    );
    expect(c.agreement).toBe(0);
    expect(c.value).toBeLessThan(LOW_CONFIDENCE);
    expect(c.low).toBe(true);
  });

  it('has nothing to be confident about without candidates', () => {
    expect(matchConfidence([])).toEqual({ value: 0, margin: 0, agreement: 0, low: true });
  });
});
