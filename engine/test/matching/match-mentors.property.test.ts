import { describe, expect, it } from 'vitest';
import { matchMentors } from '../../src/matching/match-mentors.js';
import { splitPassages } from '../../src/matching/passages.js';
import { SkillsVocabulary } from '../../src/matching/skills-vocabulary.js';
import { stem } from '../../src/matching/text-analysis.js';
import type { CandidateInput, MatchMentor, MatchRequestFilters } from '../../src/matching/types.js';
import { DEFAULT_RULES, FACTOR_NAMES, type FactorName, type Weights } from '../../src/matching/weights.js';
import { seededRandom } from './helpers.js';

const random = seededRandom(20260302);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const some = <T>(items: readonly T[], max: number): T[] => [
  ...new Set(Array.from({ length: Math.floor(random() * (max + 1)) }, () => pick(items))),
];

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

function generateMentor(rowId: number): MatchMentor {
  const separator = pick([' ', '  ', '\n', ' \n\n']);
  return {
    rowId,
    externalId: `gen-${rowId}`,
    name: `Mentor ${rowId}`,
    headline: pick([
      'Recruiting lead',
      'Platform engineer, K8s',
      'Privacy counsel (GDPR)',
      'Engineering manager',
      'Product manager',
    ]),
    bio: `${random() < 0.2 ? '  ' : ''}${some(SENTENCES, 6).join(separator)}${random() < 0.2 ? '\n' : ''}`,
    skills: some(SKILLS, 4),
    languages: some(LANGUAGES, 3),
    timezone: pick(ZONES),
    yearsExperience: Math.floor(random() * 35),
    capacityPerMonth: Math.floor(random() * 6),
    active: random() < 0.9,
  };
}

function generateCandidate(m: MatchMentor): CandidateInput {
  const spans = splitPassages(m.bio);
  const passageSimilarities = spans.map((s) => ({ ...s, similarity: random() - 0.1 }));
  if (random() < 0.1) passageSimilarities.push({ start: m.bio.length - 3, end: m.bio.length + 40, similarity: 0.99 });
  return {
    mentor: m,
    wholeSimilarity: random() < 0.1 ? null : random() * 0.8,
    passageSimilarities,
    lexicalSimilarity: random() < 0.3 ? 0 : random() * 0.6,
    servedThisMonth: Math.floor(random() * 5),
    shownRecently: Math.floor(random() * 80),
  };
}

function generateWeights(): Weights {
  const weights = Object.fromEntries(
    FACTOR_NAMES.map((n) => [n, random() < 0.4 ? 0 : Math.round(random() * 100) / 100]),
  ) as Weights;
  if (FACTOR_NAMES.every((n) => weights[n] === 0)) weights.semantic = 1;
  return weights;
}

function generateRequest(pool: readonly MatchMentor[]): MatchRequestFilters {
  const request: MatchRequestFilters = {};
  if (random() < 0.7) request.languages = some(LANGUAGES, 2);
  if (random() < 0.2) request.requiredLanguages = [pick(LANGUAGES)];
  if (random() < 0.3)
    request.excludeExternalIds = some(
      pool.map((m) => m.externalId),
      5,
    );
  if (random() < 0.5) {
    const startHour = Math.floor(random() * 24);
    request.availability = {
      startHour,
      endHour: (startHour + 1 + Math.floor(random() * 10)) % 24,
      utcOffsetMinutes: pick([-300, 0, 60, 330]),
      required: random() < 0.3,
    };
  }
  if (random() < 0.5) request.menteeYearsExperience = Math.floor(random() * 15);
  return request;
}

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
};

describe('matchMentors on generated pairs', () => {
  it('never claims what is not there', () => {
    const pool = Array.from({ length: 120 }, (_, i) => generateMentor(i + 1));
    const vocabulary = SkillsVocabulary.fromMentors(pool.map((m) => m.skills));
    const now = new Date('2026-03-02T12:00:00Z');
    let checkedPassages = 0;
    let checkedTerms = 0;
    let checkedQuotes = 0;
    for (let q = 0; q < 300; q++) {
      const question = some(QUESTION_PARTS, 3).join(' ') || 'Help';
      const candidates = some(pool, 30).map(generateCandidate);
      const request = generateRequest(pool);
      const out = matchMentors({
        question,
        candidates,
        weights: generateWeights(),
        rules: { ...DEFAULT_RULES, requireCapacity: random() < 0.8 },
        request,
        vocabulary,
        exposure: { totalShown: 2000, totalCapacity: 300 },
        now,
        k: 10,
      });
      const byId = new Map(candidates.map((c) => [c.mentor.rowId, c.mentor]));
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
        expect(reasons.length).toBeLessThanOrEqual(2);
        for (const name of reasonFactors) expect(zero.has(name)).toBe(false);
        const mentorText = [m.bio, m.headline, ...m.skills];
        for (const reason of reasons) {
          for (const [, quoted] of reason.matchAll(/"([^"]*)"/g)) {
            const verbatim = quoted!.replace(/…$/, '');
            expect(mentorText.some((text) => text.includes(verbatim))).toBe(true);
            checkedQuotes++;
          }
          const unquoted = reason.replace(/"[^"]*"/g, '""');
          for (const name of zero) {
            const marker = MARKERS[name];
            if (marker) expect(unquoted, `${name} has no contribution: ${reason}`).not.toMatch(marker);
          }
        }
      }
    }
    // The generator must actually exercise the checks.
    expect(checkedPassages).toBeGreaterThan(1000);
    expect(checkedTerms).toBeGreaterThan(1000);
    expect(checkedQuotes).toBeGreaterThan(300);
  });
});
