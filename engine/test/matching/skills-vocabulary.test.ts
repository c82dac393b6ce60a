import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SkillsVocabulary } from '../../src/matching/skills-vocabulary.js';

const vocabulary = SkillsVocabulary.fromMentors([
  ['Machine Learning', 'Go', 'Salary Negotiation'],
  ['kubernetes', 'Kubernetes', 'Kubernetes', 'C++'],
  ['Product Management', 'R'],
]);

function found(text: string): [string, string][] {
  return vocabulary.findSkills(text).map((s) => [s.skill, text.slice(s.start, s.end)]);
}

describe('SkillsVocabulary', () => {
  it('maps synonyms to canonical skills with offsets in the text', () => {
    const text = 'Moving from ML research to a PM role; we run K8s and JS.';
    expect(found(text)).toEqual([
      ['Machine Learning', 'ML'],
      ['Product Management', 'PM'],
      ['Kubernetes', 'K8s'],
      ['JavaScript', 'JS'],
    ]);
  });

  it('matches multi-word phrases case-insensitively across inflections, longest first', () => {
    expect(found('Any tips on SALARY negotiations and machine-learning interviews?')).toEqual([
      ['Salary Negotiation', 'SALARY negotiations'],
      ['Machine Learning', 'machine-learning'],
    ]);
    expect(found('How should I negotiate my comp?')).toEqual([
      ['Negotiation', 'negotiate'],
      ['Compensation', 'comp'],
    ]);
  });

  it('respects word boundaries', () => {
    expect(found('html and chrome')).toEqual([]);
    expect(found('Compassion matters')).toEqual([]);
  });

  it('only counts everyday words as skills when spelled like the skill', () => {
    expect(found('I want to go into management. Does R or C++ matter? I write Go.')).toEqual([
      ['R', 'R'],
      ['C++', 'C++'],
      ['Go', 'Go'],
    ]);
  });

  it('canonicalises mentor skills through synonyms and picks the most common spelling', () => {
    expect(vocabulary.keyOf('ML')).toBe(vocabulary.keyOf('machine learning'));
    expect(vocabulary.keyOf('HR')).toBe(vocabulary.keyOf('Human Resources'));
    expect(vocabulary.keyOf('Golang')).toBe(vocabulary.keyOf('Go'));
    expect(vocabulary.display(vocabulary.keyOf('kubernetes'))).toBe('Kubernetes');
    expect(vocabulary.keyOf('Underwater Basket Weaving')).toBe('underwater basket weav');
  });

  it('follows mentors added and removed in any order exactly as a vocabulary built from the remaining ones', () => {
    // Spellings that collide (case, inflection), synonyms of the table, ambiguous words and mentor-only phrases.
    const pool = [
      'Kubernetes',
      'kubernetes',
      'K8s',
      'Go',
      'go',
      'GO',
      'R',
      'Rust',
      'rust',
      'Salary negotiation',
      'salary negotiations',
      'Cobol',
      'COBOL',
      'Underwater basket weaving',
      'Basket weaving',
      'Basket',
      'on',
      'On',
      'ML',
      'Machine learning',
      'Fundraising',
      'IVF',
    ];
    const texts = [
      'I write Go and go to COBOL meetups; basket weaving, underwater basket weaving or just a basket?',
      'Rust or rust, R or r, ML in K8s, salary negotiation on the fundraising side, on IVF',
      'Cobol, cobol and Kubernetes; Salary Negotiations; On call',
    ];
    const observe = (v: SkillsVocabulary) => ({
      size: v.size,
      found: texts.map((t) => v.findSkills(t)),
      keys: pool.map((p) => [v.keyOf(p), v.display(v.keyOf(p))]),
    });
    const step = fc.record({
      id: fc.integer({ min: 0, max: 24 }),
      // null removes the mentor; a skill may be listed twice.
      skills: fc.option(fc.array(fc.constantFrom(...pool), { maxLength: 3 }), { freq: 3 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 300, size: 'max' }), (steps) => {
        const live = new SkillsVocabulary();
        const mentors = new Map<number, string[]>();
        steps.forEach(({ id, skills }, n) => {
          const before = mentors.get(id);
          if (before) live.remove(before);
          if (skills === null) mentors.delete(id);
          else {
            live.add(skills);
            mentors.set(id, skills);
          }
          if (n % 10 === 0 || n === steps.length - 1)
            expect(observe(live)).toEqual(observe(SkillsVocabulary.fromMentors(mentors.values())));
        });
      }),
      { numRuns: 4 },
    );
    // Forgotten once nobody lists them: the table's skills stay, mentor-only ones go.
    const live = new SkillsVocabulary();
    live.add(['Cobol', 'Kubernetes']);
    expect(live.findSkills('Cobol on Kubernetes').map((s) => s.skill)).toEqual(['Cobol', 'Kubernetes']);
    live.remove(['Cobol', 'Kubernetes']);
    expect(live.findSkills('Cobol on Kubernetes').map((s) => s.skill)).toEqual(['Kubernetes']);
    expect(live.size).toBe(new SkillsVocabulary().size);
    // An everyday word is a skill only as spelled by some mentor: each spelling counts until its last mentor goes.
    live.add(['On']);
    live.add(['on']);
    expect(live.findSkills('On call, on time').map((s) => s.start)).toEqual([0, 9]);
    live.remove(['on']);
    expect(live.findSkills('On call, on time')).toEqual(
      SkillsVocabulary.fromMentors([['On']]).findSkills('On call, on time'),
    );
    expect(live.findSkills('On call, on time').map((s) => s.start)).toEqual([0]);
  });
});
