import { describe, expect, it } from 'vitest';
import { matchMentors, type MatchInput } from '../../src/matching/match-mentors.js';
import { SkillsVocabulary } from '../../src/matching/skills-vocabulary.js';
import { DEFAULT_RULES, FACTOR_NAMES, type Weights } from '../../src/matching/weights.js';
import { seededRandom } from '../../src/shared/seeded-random.js';
import { candidate, mentor } from './helpers.js';

const semanticOnly = Object.fromEntries(FACTOR_NAMES.map((f) => [f, f === 'semantic' ? 1 : 0])) as Weights;

/** Two clear leaders and four mentors with the same lower score. */
const leaders = [0.9, 0.85].map((s) => candidate(mentor(), { wholeSimilarity: s }));
const tied = [1, 2, 3, 4].map(() => candidate(mentor(), { wholeSimilarity: 0.6 }));

function input(overrides: Partial<MatchInput> = {}): MatchInput {
  return {
    question: 'How do I coach a new manager?',
    candidates: [...tied, ...leaders],
    weights: semanticOnly,
    rules: { ...DEFAULT_RULES, explorationMargin: 0.005 },
    vocabulary: SkillsVocabulary.fromMentors([]),
    now: new Date('2026-03-02T12:00:00Z'),
    k: 3,
    ...overrides,
  };
}

describe('exploration among near-ties', () => {
  it('shows the exact top k with probability 1 when the answer does not explore', () => {
    const { matches } = matchMentors(input());
    expect(matches.map((m) => m.propensity)).toEqual([1, 1, 1]);
    expect(matches.map((m) => m.rank)).toEqual([1, 2, 3]);
  });

  it('keeps the clear leaders and gives the last place to one of the tied mentors, each with probability 1/4', () => {
    const random = seededRandom(7);
    const counts = new Map<string, number>();
    const first = leaders.map((c) => c.mentor.externalId);
    for (let i = 0; i < 400; i++) {
      const { matches } = matchMentors(input({ exploration: { random } }));
      expect(matches.slice(0, 2).map((m) => m.externalId)).toEqual(first);
      expect(matches.map((m) => m.propensity)).toEqual([1, 1, 0.25]);
      expect(matches.map((m) => m.rank)).toEqual([1, 2, 3]);
      counts.set(matches[2]!.externalId, (counts.get(matches[2]!.externalId) ?? 0) + 1);
    }
    expect(counts.size).toBe(4);
    for (const n of counts.values()) expect(n / 400).toBeGreaterThan(0.15);
  });

  it('does not explore with a margin of 0', () => {
    const rules = { ...DEFAULT_RULES, explorationMargin: 0 };
    const exact = matchMentors(input({ rules }));
    const explored = matchMentors(input({ rules, exploration: { random: seededRandom(1) } }));
    expect(explored.matches.map((m) => [m.externalId, m.propensity])).toEqual(
      exact.matches.map((m) => [m.externalId, 1]),
    );
  });
});
