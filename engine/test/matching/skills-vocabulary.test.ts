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
});
