import { describe, expect, it } from 'vitest';
import { quotePassage } from '../../src/matching/explanation.js';
import { matchMentors, type MatchInput } from '../../src/matching/match-mentors.js';
import { splitPassages } from '../../src/matching/passages.js';
import { SkillsVocabulary } from '../../src/matching/skills-vocabulary.js';
import { LEGACY_SIGNAL_MAPS } from '../../src/matching/signals.js';
import { DEFAULT_RULES, DEFAULT_WEIGHTS, FACTOR_NAMES, type Weights } from '../../src/matching/weights.js';
import { candidate, mentor } from './helpers.js';

const recruiter = mentor({
  externalId: 'recruiter',
  headline: 'Recruiting lead turned HR business partner',
  bio: 'Led salary negotiations for 40 offers as a recruiting lead. Later built the compensation bands for a 300-person company. Outside work I run a neighbourhood book club in Madrid.',
  skills: ['Negotiation', 'HR'],
  languages: ['en', 'es'],
  capacityPerMonth: 5,
  yearsExperience: 14,
});
const vocabulary = SkillsVocabulary.fromMentors([recruiter.skills]);
const spans = splitPassages(recruiter.bio);
const question = 'How should I negotiate salary for my first offer? I speak Spanish.';

function run(overrides: Partial<MatchInput> = {}) {
  return matchMentors({
    question,
    candidates: [
      candidate(recruiter, {
        wholeSimilarity: 0.45,
        passageSimilarities: spans.map((s, i) => ({ ...s, similarity: [0.71, 0.4, 0.05][i]! })),
        lexicalSimilarity: 0.18,
        servedThisMonth: 2,
      }),
    ],
    weights: { ...DEFAULT_WEIGHTS },
    rules: { ...DEFAULT_RULES },
    request: { languages: ['es'] },
    vocabulary,
    now: new Date('2026-03-02T12:00:00Z'),
    k: 5,
    ...overrides,
  });
}

describe('explanations', () => {
  it('reports passages with verbatim text and offsets, best first', () => {
    const { evidence } = run().matches[0]!.explanation;
    expect(spans).toHaveLength(3);
    expect(evidence.map((e) => e.similarity)).toEqual([0.71, 0.4, 0.05]);
    for (const e of evidence) expect(recruiter.bio.slice(e.start, e.end)).toBe(e.text);
    expect(evidence[0]!.text).toBe('Led salary negotiations for 40 offers as a recruiting lead.');
  });

  it('reports matched terms and skills with offsets in both texts', () => {
    const { terms, skills } = run().matches[0]!.explanation;
    const salary = terms.filter((t) => t.term === 'salary');
    expect(salary.map((t) => [t.field, recruiter.bio.slice(t.mentorStart, t.mentorEnd)])).toEqual([['bio', 'salary']]);
    expect(question.slice(salary[0]!.questionStart, salary[0]!.questionEnd)).toBe('salary');
    const offer = terms.find((t) => t.term === 'offer')!;
    expect(recruiter.bio.slice(offer.mentorStart, offer.mentorEnd)).toBe('offers');
    expect(skills.map((s) => [s.skill, question.slice(s.questionStart, s.questionEnd), s.mentorSkill])).toEqual([
      ['Negotiation', 'negotiate', 'Negotiation'],
    ]);
  });

  it('writes reasons from the data: quote, skills, language, free slots', () => {
    const { reasons, reasonFactors } = run().matches[0]!.explanation;
    expect(reasons).toEqual([
      'Their bio says "Led salary negotiations for 40 offers as a recruiting lead."; lists Negotiation among their skills.',
      'Speaks Spanish; has 3 free slots this month; 14 years of experience.',
    ]);
    expect(reasonFactors).toEqual(['semantic', 'skills', 'language', 'capacity', 'experience']);
  });

  it('quotes no passage as the reason when even the best one is unrelated to the question, and ends a quoted sentence once', () => {
    const weak = run({
      // Under the legacy maps a cosine of 0.25 still gives the semantic signal a value, so only the quote rule keeps it out.
      rules: { ...DEFAULT_RULES, signalMaps: LEGACY_SIGNAL_MAPS },
      candidates: [
        candidate(recruiter, {
          wholeSimilarity: 0.2,
          passageSimilarities: spans.map((s, i) => ({ ...s, similarity: [0.25, 0.2, 0.1][i]! })),
          lexicalSimilarity: 0,
        }),
      ],
    }).matches[0]!.explanation;
    expect(weak.factors.find((f) => f.name === 'semantic')!.contribution).toBeGreaterThan(0);
    expect(weak.reasons.join(' ')).not.toMatch(/bio says/);
    expect(weak.reasonFactors).not.toContain('semantic');

    const weights = Object.fromEntries(FACTOR_NAMES.map((n) => [n, n === 'semantic' ? 1 : 0])) as Weights;
    const { reasons } = run({ weights }).matches[0]!.explanation;
    expect(reasons).toEqual(['Their bio says "Led salary negotiations for 40 offers as a recruiting lead."']);
  });

  it('never mentions a factor that contributes nothing', () => {
    const weights = Object.fromEntries(FACTOR_NAMES.map((n) => [n, n === 'lexical' ? 1 : 0])) as Weights;
    const { reasons, reasonFactors, factors } = run({ weights }).matches[0]!.explanation;
    expect(factors.filter((f) => f.contribution > 0).map((f) => f.name)).toEqual(['lexical']);
    expect(reasonFactors).toEqual(['lexical']);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^Mentions "/);
    expect(reasons[0]).not.toMatch(/speaks|free slot|experience|bio says/);
  });

  it('falls back to a neutral sentence when nothing contributes', () => {
    const weights = Object.fromEntries(FACTOR_NAMES.map((n) => [n, n === 'timezone' ? 1 : 0])) as Weights;
    const { reasons, reasonFactors } = run({ weights }).matches[0]!.explanation;
    expect(reasonFactors).toEqual([]);
    expect(reasons).toEqual(['No single signal stands out; ranked on the combined score.']);
  });

  it('mentions timezone overlap and the experience gap when the request gives them', () => {
    const { reasons } = run({
      request: { availability: { startHour: 16, endHour: 20, utcOffsetMinutes: 0 }, menteeYearsExperience: 4 },
    }).matches[0]!.explanation;
    expect(reasons[1]).toBe(
      'Working hours overlap yours by 2 hours; has 3 free slots this month; 14 years of experience (10 years more than you).',
    );
  });

  it("states a mentor's observed record, and nothing without one", () => {
    const record = {
      decided: 6,
      answeredInTime: 5,
      answeredWithinDay: 4,
      medianHoursToAnswer: 2.4,
      ratings: 7,
      meanHelpfulness: 4.5714,
      rightPerson: { yes: 6, partly: 1, no: 0 },
    };
    const withRecord = (outcomes: typeof record | null) =>
      run({
        candidates: [candidate(recruiter, { wholeSimilarity: 0.45, lexicalSimilarity: 0, outcomes })],
        outcomePriors: { inTimeShare: 0.7, withinDayShare: 0.5, meanHelpfulness: 4 },
      }).matches[0]!.explanation;

    const rated = withRecord(record);
    expect(rated.reasons.at(-1)).toBe(
      'Rated 4.6/5 over 7 sessions; answered 5 of 6 requests in time, typically within 3 hours.',
    );
    expect(rated.reasonFactors.slice(-2)).toEqual(['helpfulness', 'responsiveness']);
    expect(rated.factors.find((f) => f.name === 'helpfulness')!.value).toBeGreaterThan(0.75);

    const none = withRecord(null);
    expect(none.reasons.join(' ')).not.toMatch(/rated|in time/i);
    expect(none.reasonFactors).not.toContain('helpfulness');
    expect(none.factors.find((f) => f.name === 'helpfulness')!.value).toBeCloseTo(0.75, 12);

    // Poor ratings and mostly expired requests are no reason to pick a mentor.
    const poor = withRecord({ ...record, answeredInTime: 2, meanHelpfulness: 2.5 });
    expect(poor.reasons.join(' ')).not.toMatch(/rated|in time/i);
  });

  it('drops stored spans that no longer fit the bio', () => {
    const out = matchMentors({
      question,
      candidates: [
        candidate(recruiter, {
          passageSimilarities: [
            { start: 0, end: 5000, similarity: 0.9 },
            { start: 4, end: 2, similarity: 0.8 },
          ],
        }),
      ],
      weights: { ...DEFAULT_WEIGHTS },
      rules: { ...DEFAULT_RULES },
      vocabulary,
      now: new Date(),
      k: 1,
    });
    expect(out.matches[0]!.explanation.evidence).toEqual([]);
    expect(out.matches[0]!.explanation.reasonFactors).not.toContain('semantic');
  });
});

describe('quotePassage', () => {
  it('keeps short passages whole and cuts long ones at a word boundary, verbatim', () => {
    expect(quotePassage('Short passage.')).toEqual({ quote: 'Short passage.', abbreviated: false });
    const long = `${'Coached engineers through promotions, '.repeat(6)}and more.`;
    const { quote, abbreviated } = quotePassage(long);
    expect(abbreviated).toBe(true);
    expect(long.startsWith(quote)).toBe(true);
    expect(quote.length).toBeLessThanOrEqual(140);
    expect(quote).toMatch(/\w$/);
  });
});
