import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchMentors } from '../../src/matching/match-mentors.js';
import { LEGACY_SIGNAL_MAPS } from '../../src/matching/signals.js';
import { splitPassages } from '../../src/matching/passages.js';
import { SkillsVocabulary } from '../../src/matching/skills-vocabulary.js';
import { stem } from '../../src/matching/text-analysis.js';
import type { CandidateInput, MatchMentor, MatchRequestFilters } from '../../src/matching/types.js';
import { DEFAULT_RULES, FACTOR_NAMES, type FactorName, type Weights } from '../../src/matching/weights.js';

const SENTENCES = [
  'Led salary negotiations for 40 offers as a recruiting lead.',
  'I run Kubernetes clusters (K8s) for a fintech in Zürich.',
  'Spent 6 years on GDPR compliance, e.g. data-retention audits, at Acme Inc. and later at Globex.',
  'Went through IVF twice while managing a team of twelve engineers.',
  'Moved from teaching into product management — slowly, then all at once!',
  'Built ML models for fraud detection; mentored junior data scientists.',
  'Dr. Okafor taught me how to give feedback that lands.',
  'Happy to talk about comp, promotions and career changes.',
  'I write Go and C++ daily 🚀 and review a lot of JS.',
  'Ask me about parental leave, burnout, or switching careers at 40?',
  'Naïve questions welcome.',
  'Coached first-time managers through performance reviews, hiring loops and difficult conversations with senior stakeholders across three continents',
  'HR business partner for a 300-person company',
  'Speaking at conferences terrified me until I practised with a local Toastmasters club.',
];
const SKILLS = [
  'Negotiation',
  'Kubernetes',
  'K8s',
  'GDPR',
  'IVF',
  'Product Management',
  'PM',
  'Machine Learning',
  'ML',
  'Go',
  'C++',
  'JavaScript',
  'HR',
  'Compensation',
  'Public Speaking',
  'User Experience',
  'Leadership',
  'Hiring',
];
const QUESTION_PARTS = [
  'How do I negotiate my salary?',
  'We are moving to k8s and I feel lost.',
  'What does GDPR mean for our startup?',
  'Going through IVF and worried about telling my manager.',
  'I want to switch into product management.',
  'Any advice on ML interviews?',
  'How do I handle comp conversations with HR',
  'first-time manager, performance reviews are coming',
  'Should I learn Go or C++?',
  'public speaking scares me',
  'How to go about parental leave in Zürich?',
  'burnout after 40 offers 😩',
];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland', 'Not/AZone'];
const LANGUAGES = ['en', 'es', 'de', 'fr', 'hi'];

/** Up to `max` distinct items, in any order (lengths spread over the whole range, not biased to short). */
const some = <T>(items: readonly T[], max: number) =>
  fc.uniqueArray(fc.constantFrom(...items), { maxLength: max, size: 'max' });
/** True with the given probability (in hundredths). */
const chance = (percent: number) => fc.integer({ min: 1, max: 100 }).map((roll) => roll <= percent);
const unit = (max: number) => fc.double({ min: 0, max, noNaN: true, maxExcluded: true });

/** A mentor without its row id (given by position in the pool), and the similarities its candidate gets. */
const generatedMentor = fc.record({
  headline: fc.constantFrom(
    'Recruiting lead',
    'Platform engineer, K8s',
    'Privacy counsel (GDPR)',
    'Engineering manager',
    'Product manager',
  ),
  sentences: some(SENTENCES, 6),
  separator: fc.constantFrom(' ', '  ', '\n', ' \n\n'),
  leadingSpace: chance(20),
  trailingNewline: chance(20),
  skills: some(SKILLS, 4),
  languages: some(LANGUAGES, 3),
  timezone: fc.constantFrom(...ZONES),
  yearsExperience: fc.integer({ min: 0, max: 34 }),
  capacityPerMonth: fc.integer({ min: 0, max: 5 }),
  active: chance(90),
  // Candidate side: passage similarities are handed out to the bio's passages in turn.
  passageSimilarities: fc.array(fc.double({ min: -0.1, max: 0.9, noNaN: true }), { minLength: 1, maxLength: 8 }),
  spanPastTheEnd: chance(10),
  wholeSimilarity: fc.option(unit(0.8), { freq: 10 }),
  lexicalSimilarity: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 7, arbitrary: unit(0.6) }),
  servedThisMonth: fc.integer({ min: 0, max: 4 }),
  shownRecently: fc.integer({ min: 0, max: 79 }),
  // A record of answers and ratings, or none; counts are made consistent in toCandidate.
  outcomes: fc.option(
    fc.record({
      decided: fc.integer({ min: 0, max: 12 }),
      inTime: fc.integer({ min: 0, max: 12 }),
      withinDay: fc.integer({ min: 0, max: 12 }),
      medianHours: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
      ratings: fc.integer({ min: 0, max: 9 }),
      rating: fc.double({ min: 1, max: 5, noNaN: true }),
    }),
    { freq: 2 },
  ),
});
type GeneratedMentor = typeof generatedMentor extends fc.Arbitrary<infer T> ? T : never;

function toMentor(g: GeneratedMentor, rowId: number): MatchMentor {
  return {
    rowId,
    externalId: `gen-${rowId}`,
    name: `Mentor ${rowId}`,
    headline: g.headline,
    bio: `${g.leadingSpace ? '  ' : ''}${g.sentences.join(g.separator)}${g.trailingNewline ? '\n' : ''}`,
    skills: g.skills,
    languages: g.languages,
    timezone: g.timezone,
    yearsExperience: g.yearsExperience,
    capacityPerMonth: g.capacityPerMonth,
    active: g.active,
  };
}

function toCandidate(g: GeneratedMentor, m: MatchMentor): CandidateInput {
  const passageSimilarities = splitPassages(m.bio).map((s, i) => ({
    ...s,
    similarity: g.passageSimilarities[i % g.passageSimilarities.length]!,
  }));
  if (g.spanPastTheEnd) passageSimilarities.push({ start: m.bio.length - 3, end: m.bio.length + 40, similarity: 0.99 });
  return {
    mentor: m,
    wholeSimilarity: g.wholeSimilarity,
    passageSimilarities,
    lexicalSimilarity: g.lexicalSimilarity,
    servedThisMonth: g.servedThisMonth,
    shownRecently: g.shownRecently,
    outcomes: g.outcomes && {
      decided: g.outcomes.decided,
      answeredInTime: Math.min(g.outcomes.inTime, g.outcomes.decided),
      answeredWithinDay: Math.min(g.outcomes.withinDay, g.outcomes.inTime, g.outcomes.decided),
      medianHoursToAnswer: Math.min(g.outcomes.inTime, g.outcomes.decided) > 0 ? g.outcomes.medianHours : null,
      ratings: g.outcomes.ratings,
      meanHelpfulness: g.outcomes.ratings > 0 ? g.outcomes.rating : null,
      rightPerson: { yes: g.outcomes.ratings, partly: 0, no: 0 },
    },
  };
}

const generatedWeights: fc.Arbitrary<Weights> = fc
  .tuple(
    ...FACTOR_NAMES.map(() =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constant(0) },
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 100 }).map((x) => x / 100) },
      ),
    ),
  )
  .map((values) => {
    const weights = Object.fromEntries(FACTOR_NAMES.map((n, i) => [n, values[i]!])) as Weights;
    if (FACTOR_NAMES.every((n) => weights[n] === 0)) weights.semantic = 1;
    return weights;
  });

const POOL_SIZE = 40;

const generatedRequest: fc.Arbitrary<MatchRequestFilters> = fc.record(
  {
    languages: some(LANGUAGES, 2),
    requiredLanguages: fc.constantFrom(...LANGUAGES).map((l) => [l]),
    // Ids of pool mentors, some of them not among the candidates.
    excludeExternalIds: fc.uniqueArray(
      fc.integer({ min: 1, max: POOL_SIZE }).map((i) => `gen-${i}`),
      { maxLength: 5 },
    ),
    availability: fc
      .record({
        startHour: fc.integer({ min: 0, max: 23 }),
        length: fc.integer({ min: 1, max: 10 }),
        utcOffsetMinutes: fc.constantFrom(-300, 0, 60, 330),
        required: chance(30),
      })
      .map(({ startHour, length, ...rest }) => ({ startHour, endHour: (startHour + length) % 24, ...rest })),
    menteeYearsExperience: fc.integer({ min: 0, max: 14 }),
  },
  { requiredKeys: [] },
);

const generatedQuestion = some(QUESTION_PARTS, 3).map((parts) => parts.join(' ') || 'Help');

/** Phrases only a reason about that factor uses (outside quotes). */
const MARKERS: Record<FactorName, RegExp | null> = {
  semantic: /bio says/i,
  lexical: /\bmentions\b/i,
  skills: /among their skills/i,
  language: /\bspeaks\b/i,
  timezone: /\boverlap/i,
  capacity: /free slots?/i,
  experience: /years? of experience/i,
  fairness: null,
  responsiveness: /\bin time\b/i,
  helpfulness: /\/5 over\b/i,
};

describe('matchMentors on generated pairs', () => {
  it('never claims what is not there', () => {
    const now = new Date('2026-03-02T12:00:00Z');
    let checkedPassages = 0;
    let checkedTerms = 0;
    let checkedQuotes = 0;
    let checkedRecords = 0;
    const scenario = fc.record({
      // The vocabulary knows every pool mentor's skills; only some of them are candidates.
      pool: fc.array(fc.tuple(generatedMentor, chance(75)), { minLength: 10, maxLength: POOL_SIZE, size: 'max' }),
      question: generatedQuestion,
      weights: generatedWeights,
      request: generatedRequest,
      requireCapacity: chance(80),
    });
    fc.assert(
      fc.property(scenario, ({ pool, question, weights, request, requireCapacity }) => {
        const mentors = pool.map(([g], i) => toMentor(g, i + 1));
        const vocabulary = SkillsVocabulary.fromMentors(mentors.map((m) => m.skills));
        const candidates = pool.flatMap(([g, isCandidate], i) => (isCandidate ? [toCandidate(g, mentors[i]!)] : []));
        const out = matchMentors({
          question,
          candidates,
          weights,
          // The generated similarities crowd near 0, where the default maps (floor 0.29) give no semantic value and
          // hence no quote to check; the legacy maps (floor 0.05) exercise the quotes.
          rules: { ...DEFAULT_RULES, requireCapacity, signalMaps: LEGACY_SIGNAL_MAPS },
          request,
          vocabulary,
          exposure: { totalShown: 2000, totalCapacity: 300 },
          now,
          k: 10,
        });
        const byId = new Map(candidates.map((c) => [c.mentor.rowId, c.mentor]));
        const recordOf = new Map(candidates.map((c) => [c.mentor.rowId, c.outcomes ?? null]));
        let previous = Infinity;
        for (const match of out.matches) {
          const m = byId.get(match.rowId)!;
          const { factors, evidence, terms, skills, reasons, reasonFactors } = match.explanation;

          expect(factors.reduce((sum, f) => sum + f.contribution, 0)).toBe(match.score);
          expect(match.score).toBeGreaterThanOrEqual(0);
          expect(match.score).toBeLessThanOrEqual(1 + 1e-12);
          expect(match.score).toBeLessThanOrEqual(previous);
          previous = match.score;
          expect(m.active).toBe(true);
          expect(request.excludeExternalIds ?? []).not.toContain(m.externalId);
          for (const l of request.requiredLanguages ?? []) expect(m.languages).toContain(l);

          for (const e of evidence) {
            expect(m.bio.slice(e.start, e.end)).toBe(e.text);
            expect(e.text.length).toBeGreaterThan(0);
            checkedPassages++;
          }
          for (const t of terms) {
            const field = t.field === 'bio' ? m.bio : t.field === 'headline' ? m.headline : m.skills[t.skillIndex!]!;
            const inQuestion = question.slice(t.questionStart, t.questionEnd);
            const inMentor = field.slice(t.mentorStart, t.mentorEnd);
            expect(inQuestion.toLowerCase()).toBe(t.term);
            expect(stem(inMentor)).toBe(stem(inQuestion));
            checkedTerms++;
          }
          for (const s of skills) {
            expect(m.skills[s.skillIndex]).toBe(s.mentorSkill);
            expect(vocabulary.keyOf(s.mentorSkill)).toBe(s.key);
            expect(vocabulary.keyOf(question.slice(s.questionStart, s.questionEnd))).toBe(s.key);
          }

          const zero = new Set(factors.filter((f) => f.contribution === 0).map((f) => f.name));
          expect(reasons.length).toBeGreaterThanOrEqual(1);
          expect(reasons.length).toBeLessThanOrEqual(3);
          for (const name of reasonFactors) expect(zero.has(name)).toBe(false);
          const mentorText = [m.bio, m.headline, ...m.skills];
          for (const reason of reasons) {
            for (const [, quoted] of reason.matchAll(/"([^"]*)"/g)) {
              const verbatim = quoted!.replace(/…$/, '');
              expect(mentorText.some((text) => text.includes(verbatim))).toBe(true);
              checkedQuotes++;
            }
            const unquoted = reason.replace(/"[^"]*"/g, '""');
            // A record is stated as observed, and only where it speaks for the mentor.
            const record = recordOf.get(m.rowId) ?? null;
            const rated = /\bRated ([\d.]+)\/5 over (\d+) sessions?\b/i.exec(unquoted);
            if (rated) {
              expect(record?.meanHelpfulness).not.toBeNull();
              expect(Number(rated[2])).toBe(record!.ratings);
              expect(Math.abs(Number(rated[1]) - record!.meanHelpfulness!)).toBeLessThanOrEqual(0.05);
              expect(record!.meanHelpfulness).toBeGreaterThanOrEqual(3.5);
              checkedRecords++;
            }
            const answered = /\banswered (\d+) of (\d+) requests? in time\b/i.exec(unquoted);
            if (answered) {
              expect([Number(answered[1]), Number(answered[2])]).toEqual([record!.answeredInTime, record!.decided]);
              expect(2 * record!.answeredInTime).toBeGreaterThanOrEqual(record!.decided);
              checkedRecords++;
            }
            for (const name of zero) {
              const marker = MARKERS[name];
              if (marker) expect(unquoted, `${name} has no contribution: ${reason}`).not.toMatch(marker);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    // The generator must actually exercise the checks (for any seed: about 1,800, 950 and 250 are usual).
    expect(checkedPassages).toBeGreaterThan(1000);
    expect(checkedTerms).toBeGreaterThan(500);
    expect(checkedQuotes).toBeGreaterThan(100);
    expect(checkedRecords).toBeGreaterThan(50);
  });
});
