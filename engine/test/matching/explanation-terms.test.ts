import { describe, expect, it } from 'vitest';
import { commonTermsIn } from '../../src/matching/explanation.js';
import { matchMentors } from '../../src/matching/match-mentors.js';
import { SkillsVocabulary } from '../../src/matching/skills-vocabulary.js';
import { DEFAULT_RULES, FACTOR_NAMES, type Weights } from '../../src/matching/weights.js';
import { candidate, mentor } from './helpers.js';

const lexicalOnly = Object.fromEntries(FACTOR_NAMES.map((f) => [f, f === 'lexical' ? 1 : 0])) as Weights;

const analyst = mentor({
  externalId: 'analyst',
  headline: 'Data analyst',
  bio: 'My first job was in a hospital pharmacy. I took a night course in SQL and now build dashboards for clinical teams.',
  skills: [],
});

function explain(isCommonTerm?: (term: string) => boolean) {
  return matchMentors({
    question: 'I work night shifts as a nurse; how do I learn SQL for my first analytics job?',
    candidates: [candidate(analyst, { lexicalSimilarity: 0.2 })],
    weights: lexicalOnly,
    rules: { ...DEFAULT_RULES },
    vocabulary: SkillsVocabulary.fromMentors([]),
    now: new Date('2026-03-02T12:00:00Z'),
    k: 1,
    ...(isCommonTerm ? { explanation: { isCommonTerm } } : {}),
  }).matches[0]!.explanation;
}

describe('explanations quote only terms that carry weight', () => {
  it('never quotes everyday words such as "first" and "night", even where the bio repeats them', () => {
    const { terms, reasons } = explain();
    expect(terms.map((t) => t.term).sort()).toEqual(['job', 'sql']);
    expect(reasons.join(' ')).toContain('"SQL"');
    expect(reasons.join(' ')).not.toMatch(/"first"|"night"/);
  });

  it('leaves out terms that a large share of all profiles hold, once there are enough profiles to tell', () => {
    // "job" in 400 of 2,000 profiles, "sql" in 30.
    const large = commonTermsIn({ size: 2000, documentFrequency: (term) => (term === 'job' ? 400 : 30) });
    expect(explain(large).terms.map((t) => t.term)).toEqual(['sql']);
    // In a programme of six, three profiles with "job" are not common yet.
    const small = commonTermsIn({ size: 6, documentFrequency: () => 3 });
    expect(
      explain(small)
        .terms.map((t) => t.term)
        .sort(),
    ).toEqual(['job', 'sql']);
  });
});
