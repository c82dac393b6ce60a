import { describe, expect, it } from 'vitest';
import { rankCandidates, type RankInput } from '../../src/matching/ranker.js';
import { SkillsVocabulary } from '../../src/matching/skills-vocabulary.js';
import { LEGACY_SIGNAL_MAPS } from '../../src/matching/signals.js';
import { DEFAULT_RULES, DEFAULT_WEIGHTS, FACTOR_NAMES, type Weights } from '../../src/matching/weights.js';
import { candidate, mentor } from './helpers.js';

const vocabulary = SkillsVocabulary.fromMentors([['Negotiation', 'Kubernetes', 'GDPR']]);
const now = new Date('2026-03-02T12:00:00Z');

function only(weights: Partial<Weights>): Weights {
  return Object.fromEntries(FACTOR_NAMES.map((n) => [n, weights[n] ?? 0])) as Weights;
}

function input(overrides: Partial<RankInput>): RankInput {
  return {
    question: 'How do I negotiate an offer?',
    candidates: [],
    weights: { ...DEFAULT_WEIGHTS },
    rules: { ...DEFAULT_RULES },
    vocabulary,
    now,
    ...overrides,
  };
}

describe('rankCandidates: hard rules', () => {
  const eligible = mentor({ externalId: 'ok', languages: ['en', 'es'], timezone: 'Europe/Madrid' });
  const inactive = mentor({ externalId: 'inactive', active: false, languages: ['es'] });
  const full = mentor({ externalId: 'full', capacityPerMonth: 2, languages: ['es'] });
  const noSpanish = mentor({ externalId: 'no-es', languages: ['en'] });
  const colleague = mentor({ externalId: 'colleague', languages: ['es'] });
  const farAway = mentor({ externalId: 'far', languages: ['es'], timezone: 'Pacific/Auckland' });
  const candidates = [
    candidate(eligible, { wholeSimilarity: 0.1 }),
    candidate(inactive, { wholeSimilarity: 0.9 }),
    candidate(full, { wholeSimilarity: 0.9, servedThisMonth: 2 }),
    candidate(noSpanish, { wholeSimilarity: 0.9 }),
    candidate(colleague, { wholeSimilarity: 0.9 }),
    candidate(farAway, { wholeSimilarity: 0.9 }),
  ];

  it('filters whatever the scores, and says which rule', () => {
    const out = rankCandidates(
      input({
        candidates,
        request: {
          requiredLanguages: ['es'],
          excludeExternalIds: ['colleague'],
          availability: { startHour: 9, endHour: 12, utcOffsetMinutes: 60, required: true },
        },
      }),
    );
    expect(out.ranked.map((r) => r.candidate.mentor.externalId)).toEqual(['ok']);
    expect(Object.fromEntries(out.excluded.map((e) => [e.externalId, e.rule]))).toEqual({
      inactive: 'inactive',
      full: 'capacity',
      'no-es': 'language',
      colleague: 'excluded',
      far: 'timezone',
    });
  });

  it('relaxes the rules the configuration switches off', () => {
    const out = rankCandidates(
      input({ candidates, rules: { ...DEFAULT_RULES, activeOnly: false, requireCapacity: false } }),
    );
    expect(out.ranked.map((r) => r.candidate.mentor.externalId).sort()).toEqual([
      'colleague',
      'far',
      'full',
      'inactive',
      'no-es',
      'ok',
    ]);
  });

  it('applies the configuration’s required languages and timezone rule', () => {
    const out = rankCandidates(
      input({
        candidates,
        rules: {
          ...DEFAULT_RULES,
          activeOnly: false,
          requireCapacity: false,
          requiredLanguages: ['en'],
          requireTimezoneOverlap: true,
          minOverlapHours: 2,
        },
        request: { availability: { startHour: 9, endHour: 12, timezone: 'Europe/Berlin' } },
      }),
    );
    expect(out.ranked.map((r) => r.candidate.mentor.externalId).sort()).toEqual(['no-es', 'ok']);
  });

  it('drops duplicate candidates', () => {
    const m = mentor();
    expect(rankCandidates(input({ candidates: [candidate(m), candidate(m)] })).ranked).toHaveLength(1);
  });
});

describe('rankCandidates: weighted sum', () => {
  it('normalises by the sum of weights; contributions add up exactly to the score', () => {
    const m = mentor({ skills: ['Negotiation'], languages: ['en'], yearsExperience: 12 });
    const out = rankCandidates(
      input({
        candidates: [
          candidate(m, {
            wholeSimilarity: 0.5,
            passageSimilarities: [{ start: 0, end: 10, similarity: 0.6 }],
            lexicalSimilarity: 0.35,
            servedThisMonth: 1,
          }),
        ],
        request: { languages: ['en'] },
      }),
    );
    const [scored] = out.ranked;
    const total = FACTOR_NAMES.reduce((s, n) => s + DEFAULT_WEIGHTS[n], 0);
    expect(scored!.factors.map((f) => f.name)).toEqual([...FACTOR_NAMES]);
    for (const f of scored!.factors) {
      expect(f.value).toBeGreaterThanOrEqual(0);
      expect(f.value).toBeLessThanOrEqual(1);
      expect(f.contribution).toBeCloseTo((f.value * f.weight) / total, 15);
    }
    expect(scored!.factors.reduce((s, f) => s + f.contribution, 0)).toBe(scored!.score);
    expect(scored!.factors.find((f) => f.name === 'skills')!.value).toBe(1);
    expect(scored!.factors.find((f) => f.name === 'language')!.value).toBe(1);
    expect(scored!.factors.find((f) => f.name === 'lexical')!.value).toBe(1);
    expect(scored!.factors.find((f) => f.name === 'timezone')!.value).toBe(0);
  });

  it('a perfect candidate scores 1 and a candidate with nothing scores 0', () => {
    const perfect = rankCandidates(
      input({
        weights: only({ skills: 1, language: 1 }),
        candidates: [candidate(mentor({ skills: ['Negotiation'], languages: ['es'] }))],
        request: { languages: ['es'] },
      }),
    );
    expect(perfect.ranked[0]!.score).toBe(1);
    const nothing = rankCandidates(
      input({ weights: only({ skills: 1 }), candidates: [candidate(mentor({ skills: [] }))] }),
    );
    expect(nothing.ranked[0]!.score).toBe(0);
  });

  it('changing weights changes the order', () => {
    const semanticStar = mentor({ externalId: 'semantic-star', skills: [] });
    const skillsStar = mentor({ externalId: 'skills-star', skills: ['Negotiation'] });
    const candidates = [
      candidate(semanticStar, { wholeSimilarity: 0.7 }),
      candidate(skillsStar, { wholeSimilarity: 0.2 }),
    ];
    const bySemantic = rankCandidates(input({ candidates, weights: only({ semantic: 1, skills: 0.1 }) }));
    const bySkills = rankCandidates(input({ candidates, weights: only({ semantic: 0.1, skills: 1 }) }));
    expect(bySemantic.ranked[0]!.candidate.mentor.externalId).toBe('semantic-star');
    expect(bySkills.ranked[0]!.candidate.mentor.externalId).toBe('skills-star');
  });

  it('fairness demotes an over-exposed mentor', () => {
    const popular = mentor({ externalId: 'a-popular' });
    const quiet = mentor({ externalId: 'b-quiet' });
    const out = rankCandidates(
      input({
        weights: only({ semantic: 1, fairness: 1 }),
        candidates: [candidate(popular, { shownRecently: 300 }), candidate(quiet, { shownRecently: 2 })],
        exposure: { totalShown: 1000, totalCapacity: 400 },
      }),
    );
    expect(out.ranked.map((r) => r.candidate.mentor.externalId)).toEqual(['b-quiet', 'a-popular']);
  });
});

describe('rankCandidates: tie-breaking', () => {
  it('orders equal scores by semantic value, then by external id', () => {
    const weights = only({ lexical: 1 });
    const a = candidate(mentor({ externalId: 'c' }), { lexicalSimilarity: 0.2, wholeSimilarity: 0.3 });
    const b = candidate(mentor({ externalId: 'b' }), { lexicalSimilarity: 0.2, wholeSimilarity: 0.3 });
    const c = candidate(mentor({ externalId: 'a' }), { lexicalSimilarity: 0.2, wholeSimilarity: 0.2 });
    const d = candidate(mentor({ externalId: 'B' }), { lexicalSimilarity: 0.2, wholeSimilarity: 0.3 });
    for (const order of [
      [a, b, c, d],
      [d, c, b, a],
      [c, a, d, b],
    ]) {
      const out = rankCandidates(input({ weights, candidates: order }));
      expect(out.ranked.map((r) => r.candidate.mentor.externalId)).toEqual(['B', 'b', 'c', 'a']);
    }
  });

  it('breaks ties of saturated signals by the raw similarity, then the raw TF-IDF cosine', () => {
    // Both calibrated signals are 1 for all three under the legacy maps (cosine 0.95 and 0.9 are above the semantic
    // ceiling, 0.5 and 0.4 above the lexical one), so only the raw evidence can put the closest bio first.
    const exact = candidate(mentor({ externalId: 'z-exact' }), { wholeSimilarity: 0.99, lexicalSimilarity: 0.9 });
    const nearA = candidate(mentor({ externalId: 'a-near' }), { wholeSimilarity: 0.95, lexicalSimilarity: 0.5 });
    const nearB = candidate(mentor({ externalId: 'b-near' }), { wholeSimilarity: 0.95, lexicalSimilarity: 0.6 });
    const out = rankCandidates(
      input({
        weights: only({ semantic: 1, lexical: 1 }),
        rules: { ...DEFAULT_RULES, signalMaps: LEGACY_SIGNAL_MAPS },
        candidates: [nearA, nearB, exact],
      }),
    );
    expect(new Set(out.ranked.map((r) => r.score)).size).toBe(1);
    expect(out.ranked.map((r) => r.candidate.mentor.externalId)).toEqual(['z-exact', 'b-near', 'a-near']);
  });
});
